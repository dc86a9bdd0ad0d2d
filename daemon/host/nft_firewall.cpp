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
  if (applied_ && rulesEqual(*applied_, spec)) {
    const auto update = renderUpdate(*applied_, spec);
    if (update.empty()) {
      return;
    }
    try {
      run(update, "updating the elements of table inet kipvs");
      applied_ = spec;
      return;
    } catch (const NftError& error) {
      // The table is not what we last wrote (deleted or edited by hand): rewrite it whole below.
      log::warning("nft element update failed, replacing table inet kipvs", {{"KIPVS_ERROR", error.what()}});
      applied_.reset();
    }
  }
  replace(spec);
}

void NftFirewall::replace(const core::FirewallSpec& spec) {
  applied_.reset();
  run(renderReplace(spec), "replacing table inet kipvs");
  ++replacements_;
  applied_ = spec;
}

void NftFirewall::remove() {
  applied_.reset();
  run(renderDelete(), "deleting table inet kipvs");
}

std::string NftFirewall::list() {
  return run("list table inet kipvs", "listing table inet kipvs");
}

}  // namespace kipvs::host
