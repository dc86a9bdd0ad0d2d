#include "field_rows_runner.hpp"

namespace kipvs::app::testing {
namespace {

// Publishes the objects of `next` that differ from `current` (removing those gone).
void publish(ObjectSource& source, const World& current, const World& next) {
  for (const auto& [ref, object] : next) {
    const auto it = current.find(ref);
    if (it == current.end() || !(it->second == object)) {
      source.put(ref, object);
    }
  }
  for (const auto& [ref, object] : current) {
    if (!next.contains(ref)) {
      source.remove(ref);
    }
  }
}

}  // namespace

bool applyEdit(World& world, const ObjectRef& target, const JsonDoc::Path& path,
               const std::optional<JsonDoc>& value) {
  const auto it = world.find(target);
  if (it == world.end()) {
    return false;
  }
  it->second.set(path, value);
  return true;
}

namespace {

// Runs one row from the base world (`current` ends as the base again).
class RowRun {
 public:
  RowRun(ObjectSource& source, const World& base, World& current, RowOutcome& outcome)
      : source_(source), base_(base), current_(current), outcome_(outcome) {}

  void run(const FieldRow& row) {
    const auto before = source_.fromScratch();
    if (!row.context.empty()) {
      World next = current_;
      for (const auto& edit : row.context) {
        applyEdit(next, edit.target, edit.path, edit.value);
      }
      step("context", std::move(next));
    }
    const auto start = source_.fromScratch();
    for (const auto& value : row.values) {
      World next = current_;
      applyEdit(next, row.target, row.path, value.value);
      step(value.label, std::move(next));
      outcome_.changedDesired = outcome_.changedDesired || !(source_.fromScratch() == start);
    }
    step("base again", base_);
    if (!(source_.fromScratch() == before)) {
      outcome_.failures.push_back("base again: the from-scratch state is not the base's");
    }
  }

 private:
  void step(const std::string& label, World next) {
    ++outcome_.steps;
    publish(source_, current_, next);
    current_ = std::move(next);
    if (!source_.settle()) {
      outcome_.failures.push_back(label + ": the daemon's cache never matched the source");
      return;
    }
    for (auto& difference : source_.differences()) {
      outcome_.failures.push_back(label + ": " + difference);
    }
  }

  ObjectSource& source_;
  const World& base_;
  World& current_;
  RowOutcome& outcome_;
};

}  // namespace

std::vector<RowOutcome> runFieldRows(ObjectSource& source, const World& base,
                                     const std::vector<FieldRow>& rows) {
  std::vector<RowOutcome> outcomes;
  World current = base;
  for (const auto& [ref, object] : base) {
    source.put(ref, object);
  }
  if (!source.settle()) {
    outcomes.push_back(
        {.field = "(base objects)", .failures = {"the daemon never programmed the base objects"}});
    return outcomes;
  }
  for (const auto& row : rows) {
    RowOutcome outcome{.field = row.field};
    try {
      RowRun(source, base, current, outcome).run(row);
    } catch (const std::exception& error) {
      outcome.failures.push_back("row aborted: " + std::string(error.what()));
      try {  // back to the base for the next row
        publish(source, current, base);
        current = base;
        source.settle();
      } catch (const std::exception&) {
        current = base;
      }
    }
    outcomes.push_back(std::move(outcome));
  }
  return outcomes;
}

}  // namespace kipvs::app::testing
