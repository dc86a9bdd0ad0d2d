#include "host/nft_firewall.hpp"

#include <nftables/libnftables.h>

#include "core/log.hpp"
#include "host/nft_ruleset.hpp"

namespace kipvs::host {

void NftFirewall::CtxFree::operator()(nft_ctx* ctx) const {
  nft_ctx_free(ctx);
}

NftFirewall::NftFirewall() : ctx_(nft_ctx_new(NFT_CTX_DEFAULT)) {
  if (!ctx_) {
    throw NftError("nft: cannot create a libnftables context");
  }
  // Capture nft's output and errors instead of letting it print to our stdout/stderr.
  if (nft_ctx_buffer_output(ctx_.get()) != 0 || nft_ctx_buffer_error(ctx_.get()) != 0) {
    throw NftError("nft: cannot buffer libnftables output");
  }
}

NftFirewall::~NftFirewall() = default;

std::string NftFirewall::run(const std::string& commands, const std::string& what) {
  ++transactions_;
  const int status = nft_run_cmd_from_buffer(ctx_.get(), commands.c_str());
  std::string output = nft_ctx_get_output_buffer(ctx_.get());
  const std::string errors = nft_ctx_get_error_buffer(ctx_.get());
  if (status != 0) {
    throw NftError("nft: " + what + " failed: " + (errors.empty() ? "no message" : errors));
  }
  return output;
}

void NftFirewall::apply(const core::FirewallSpec& spec) {
  auto target = renderSetContents(spec);
  if (applied_ && rulesEqual(applied_->rules, spec)) {
    const auto update = renderUpdate(applied_->sets, target);
    if (update.empty()) {
      return;
    }
    if (tryElements(update)) {
      applied_->sets = std::move(target);
      return;
    }
  }
  write(std::move(target), spec);
}

void NftFirewall::update(const core::FirewallDelta& delta) {
  if (!applied_) {
    throw NftError("nft: element update before table inet kipvs was written");
  }
  const auto commands = renderDelta(applied_->sets, delta);  // applied_ now holds the target
  if (!commands.empty() && !tryElements(commands)) {
    auto sets = std::move(applied_->sets);
    const auto rules = applied_->rules;
    write(std::move(sets), rules);
  }
}

bool NftFirewall::tryElements(const std::string& commands) {
  try {
    run(commands, "updating the elements of table inet kipvs");
    return true;
  } catch (const NftError& error) {
    // The table is not what we last wrote (deleted or edited by hand): the caller rewrites it whole.
    log::warning("nft element update failed, replacing table inet kipvs", {{"KIPVS_ERROR", error.what()}});
    applied_.reset();
    return false;
  }
}

void NftFirewall::replace(const core::FirewallSpec& spec) {
  write(renderSetContents(spec), spec);
}

void NftFirewall::write(NftSetContents sets, const core::FirewallSpec& rules) {
  applied_.reset();
  run(renderDelete() + renderTable(sets, rules), "replacing table inet kipvs");
  ++replacements_;
  core::FirewallSpec kept;
  kept.masqueradeAll = rules.masqueradeAll;
  kept.masqueradeMark = rules.masqueradeMark;
  applied_ = Applied{.rules = kept, .sets = std::move(sets)};
}

void NftFirewall::remove() {
  applied_.reset();
  run(renderDelete(), "deleting table inet kipvs");
}

std::string NftFirewall::list() {
  return run("list table inet kipvs", "listing table inet kipvs");
}

}  // namespace kipvs::host
