#pragma once

// A real Daemon on fake host ports fed by one of two sources, both through the real decoders, cache and
// subscription:
//   ManifestDirSource  the static source: each object is a manifest file in a temporary directory,
//                      rewritten on every change, then StaticSource::rescan (what SIGHUP or inotify does);
//   EventSource        Kubernetes watch events (ADDED / MODIFIED / DELETED JSON, with resourceVersions)
//                      decoded by k8s::decodeEvent and handed to the daemon — the watch path without HTTP,
//                      which the k8s tier covers.

#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include "app/daemon.hpp"
#include "field_rows_runner.hpp"
#include "k8s/static_source.hpp"
#include "manual_timers.hpp"
#include "scratch_compare.hpp"

namespace kipvs::app::testing {

class SourcedDaemon : public ObjectSource {
 public:
  std::vector<std::string> differences() override;
  core::DesiredState fromScratch() override;
  virtual core::ClusterSnapshot truth() const = 0;  // the source's objects, decoded afresh
  Daemon& daemon() { return *daemon_; }

 protected:
  // `source`: the kind of source; node-a, syncs as soon as events arrive.
  SourcedDaemon(Config config, SourceKind source);
  void settleTimers() { timers_.settle(); }  // the syncs the events scheduled (minSyncPeriod 0: now)

  Config config_;

 public:
  FakeHost host{config_};

 protected:
  ManualTimers timers_;
  std::unique_ptr<Daemon> daemon_;
};

class ManifestDirSource final : public SourcedDaemon {
 public:
  explicit ManifestDirSource(const std::string& name, Config config = {});
  ManifestDirSource(const ManifestDirSource&) = delete;
  ManifestDirSource& operator=(const ManifestDirSource&) = delete;
  ~ManifestDirSource() override;

  void put(const ObjectRef& ref, const JsonDoc& object) override;
  void remove(const ObjectRef& ref) override;
  bool settle() override;
  core::ClusterSnapshot truth() const override;

 private:
  std::filesystem::path fileOf(const ObjectRef& ref) const;

  std::unique_ptr<k8s::StaticSource> source_;
  bool started_ = false;
};

class EventSource final : public SourcedDaemon {
 public:
  explicit EventSource(Config config = {});

  void put(const ObjectRef& ref, const JsonDoc& object) override;
  void remove(const ObjectRef& ref) override;
  bool settle() override;
  core::ClusterSnapshot truth() const override;

 private:
  std::map<ObjectRef, std::string> objects_;  // as last served, resourceVersion filled in
  std::uint64_t resourceVersion_ = 100;
  bool listed_ = false;
};

}  // namespace kipvs::app::testing
