#pragma once

// Applies a FirewallSpec as the private table `inet kipvs` through libnftables. Every change is one nft
// transaction: the first apply (and any change of the rules themselves) replaces the whole table; later
// applies only add and delete set elements. Nothing outside `inet kipvs` is ever named.

#include <memory>
#include <optional>
#include <stdexcept>
#include <string>

#include "core/firewall_deriver.hpp"
#include "core/firewall_spec.hpp"
#include "core/host_ports.hpp"
#include "host/nft_ruleset.hpp"

struct nft_ctx;

namespace kipvs::host {

// nft refused a transaction; what() carries the attempted action and nft's own message.
class NftError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class NftFirewall final : public core::FirewallPort {
 public:
  NftFirewall();
  ~NftFirewall() override;
  NftFirewall(const NftFirewall&) = delete;
  NftFirewall& operator=(const NftFirewall&) = delete;

  // Brings the table to `spec` with the smallest transaction: element changes when the rules are unchanged
  // since the last successful apply, else a whole replacement. A failed element update falls back to a
  // replacement (someone may have changed the table). Throws NftError when that fails too.
  void apply(const core::FirewallSpec& spec) override;

  // Applies element changes only (O(size of the delta), one small transaction) to the table last written
  // or updated; falls back to a replacement when nft refuses them. Throws NftError when no table was
  // written yet or the replacement fails.
  void update(const core::FirewallDelta& delta) override;

  // Replaces the whole table in one transaction (also repairs drift: a deleted table, edited sets).
  void replace(const core::FirewallSpec& spec);

  // Deletes the table if it exists.
  void remove();

  // `nft list table inet kipvs` as text (for diagnostics and tests); throws NftError when absent.
  std::string list();

  // Transactions run so far and how many were whole replacements (for metrics and tests).
  std::size_t transactions() const { return transactions_; }
  std::size_t replacements() const { return replacements_; }

 private:
  std::string run(const std::string& commands, const std::string& what);
  bool tryElements(const std::string& commands);  // false (table forgotten) when nft refuses them
  void write(NftSetContents sets, const core::FirewallSpec& rules);

  // What the table holds since the last successful transaction: its rules and its set elements.
  struct Applied {
    core::FirewallSpec rules;  // only the masquerade fields
    NftSetContents sets;
  };

  struct CtxFree {
    void operator()(nft_ctx* ctx) const;
  };
  std::unique_ptr<nft_ctx, CtxFree> ctx_;
  std::optional<Applied> applied_;
  std::size_t transactions_ = 0;
  std::size_t replacements_ = 0;
};

}  // namespace kipvs::host
