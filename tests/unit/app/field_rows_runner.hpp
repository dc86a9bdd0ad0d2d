#pragma once

// Runs the field table through one source: the objects of the base world are published, then for each
// row its context and each of its values, one step at a time, then the base again; after every step the
// daemon's node is compared with a from-scratch run over the source's objects.

#include <string>
#include <vector>

#include "core/desired_state.hpp"
#include "field_table.hpp"

namespace kipvs::app::testing {

// One source with a daemon behind it (the watch path, or the static directory).
class ObjectSource {
 public:
  virtual ~ObjectSource() = default;
  virtual void put(const ObjectRef& ref, const JsonDoc& object) = 0;  // create or replace
  virtual void remove(const ObjectRef& ref) = 0;
  // Makes what was put visible to the daemon and waits until it has been programmed; false on timeout.
  virtual bool settle() = 0;
  virtual std::vector<std::string> differences() = 0;
  virtual core::DesiredState fromScratch() = 0;  // of the source's objects
};

struct RowOutcome {
  std::string field{};
  std::vector<std::string> failures{};  // "step: difference", empty when every step agreed
  bool changedDesired = false;          // some step changed the from-scratch desired state
  std::size_t steps = 0;
};

std::vector<RowOutcome> runFieldRows(ObjectSource& source, const World& base,
                                     const std::vector<FieldRow>& rows);

// Applies one edit to the world; true when the target exists.
bool applyEdit(World& world, const ObjectRef& target, const JsonDoc::Path& path,
               const std::optional<JsonDoc>& value);

}  // namespace kipvs::app::testing
