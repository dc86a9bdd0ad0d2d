#include "app/problem_events.hpp"

namespace kipvs::app {
namespace {

bool contains(const std::string& text, const char* part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

std::string problemReason(const std::string& problem) {
  if (problem.rfind("unknown scheduler", 0) == 0) {
    return "UnknownScheduler";
  }
  if (contains(problem, "scheduler-flags") || contains(problem, " flag \"")) {
    return "UnknownSchedulerFlag";
  }
  if (contains(problem, "derived twice") || contains(problem, "also derived from")) {
    return "VirtualServiceConflict";
  }
  if (contains(problem, "clusterIP") || contains(problem, "address") || contains(problem, " ignored: ")) {
    return "ImpossibleAddress";
  }
  if (contains(problem, "port")) {
    return "ImpossiblePort";
  }
  return "CannotProgram";
}

std::vector<k8s::EventNote> ProblemEvents::afterSync(const core::DesiredState& desired,
                                                     const core::ClusterSnapshot& snapshot) {
  std::vector<k8s::EventNote> notes;
  std::map<core::ObjectKey, std::set<std::string>> current;
  for (const auto& [key, problems] : desired.problems) {
    if (problems.empty()) {
      continue;
    }
    auto& now = current[key];
    now.insert(problems.begin(), problems.end());
    const auto before = previous_.find(key);
    const auto service = snapshot.services.find(key);
    for (const auto& problem : now) {
      if (before != previous_.end() && before->second.contains(problem)) {
        continue;
      }
      k8s::EventNote note;
      note.regarding = {.apiVersion = "v1",
                        .kind = "Service",
                        .ns = key.ns,
                        .name = key.name,
                        .uid = service != snapshot.services.end() ? service->second.meta.uid : std::string()};
      note.warning = true;
      note.reason = problemReason(problem);
      note.action = "Programming";
      note.note = problem;
      notes.push_back(std::move(note));
    }
  }
  previous_ = std::move(current);
  return notes;
}

k8s::EventNote nodeStarting(const std::string& nodeName, const std::string& version) {
  k8s::EventNote note;
  note.regarding = {.apiVersion = "v1", .kind = "Node", .ns = "", .name = nodeName, .uid = nodeName};
  note.reason = "Starting";
  note.action = "StartKipvsd";
  note.note = "kipvsd " + version + " started";
  return note;
}

}  // namespace kipvs::app
