#include "k8s/static_source.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include "k8s/cache.hpp"
#include "k8s/yaml_json.hpp"

namespace kipvs::k8s {
namespace {

namespace fs = std::filesystem;

class ManifestDir : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(::testing::TempDir()) /
           ("kipvs-static-" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  void write(const std::string& name, const std::string& text) { std::ofstream(dir_ / name) << text; }
  fs::path dir_;
};

constexpr const char* kWebYaml = R"(apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  clusterIP: 10.96.0.10
  ports:
  - name: http
    port: 80
    targetPort: 8080
---
# a comment-only document is skipped
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: web-1
  labels:
    kubernetes.io/service-name: web
addressType: IPv4
endpoints:
- addresses: ["10.244.1.5"]
  conditions: {ready: true}
  nodeName: node-a
ports:
- name: http
  port: 8080
  protocol: TCP
)";

TEST(YamlJson, TypesPlainScalarsAndKeepsQuotedOnesStrings) {
  const auto docs = yamlDocumentsToJson("a: 80\nb: \"80\"\nc: true\nd: ~\ne: 1.5\nf: web\ng: [1, 'x']\n");
  ASSERT_EQ(docs.size(), 1U);
  EXPECT_EQ(docs[0], R"({"a":80,"b":"80","c":true,"d":null,"e":1.5,"f":"web","g":[1,"x"]})");
}

TEST(YamlJson, EscapesStringsAndReportsTheLineOfASyntaxError) {
  EXPECT_EQ(yamlDocumentsToJson("k: \"a\\\"b\\n\"\n")[0], R"({"k":"a\"b\n"})");
  try {
    yamlDocumentsToJson("a: [1, 2\nb: 3\n");
    FAIL() << "no error";
  } catch (const YamlError& error) {
    EXPECT_NE(std::string(error.what()).find("line"), std::string::npos);
  }
}

// Found by the yaml_manifest fuzzer (tests/fuzz/regressions/yaml_manifest).
TEST(YamlJson, WritesYamlNumbersInJsonSpelling) {
  EXPECT_EQ(yamlDocumentsToJson("[.5, 5., +1.5e3, 007, -0.0, 1e5, 0x1F, .inf, +12]\n")[0],
            R"([0.5,5.0,1.5e3,7,-0.0,1e5,"0x1F",".inf",12])");
  const std::string longScalar = "x: " + std::string(100000, '1') + ".5z\n";  // std::regex overflowed here
  EXPECT_EQ(yamlDocumentsToJson(longScalar)[0].size(), 100000U + 11U);
}

TEST(YamlJson, RefusesInputYamlCppLoopsOnOrThatExpandsWithoutBound) {
  EXPECT_THROW(yamlDocumentsToJson(","), YamlError);  // yaml-cpp 0.7 looped forever on it
  std::string laughs = "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n";
  for (char name = 'b'; name <= 'j'; ++name) {
    const std::string alias = std::string(",*") + static_cast<char>(name - 1);
    laughs += std::string(1, name) + ": &" + name + " [" + alias.substr(1);
    for (int i = 1; i < 8; ++i) {
      laughs += alias;
    }
    laughs += "]\n";
  }
  EXPECT_THROW(yamlDocumentsToJson(laughs), YamlError);
  EXPECT_THROW(yamlDocumentsToJson("? [a, b]\n: c\n"), YamlError);  // JSON keys are strings
  EXPECT_EQ(yamlDocumentsToJson("a: &x {b: 1}\nc: *x\n---\n---\nd: ~\n"),
            (std::vector<std::string>{R"({"a":{"b":1},"c":{"b":1}})", R"({"d":null})"}));
}

TEST_F(ManifestDir, ReadsMultiDocumentYamlIntoServicesAndSlices) {
  write("web.yaml", kWebYaml);
  const auto set = readManifestDirectory(dir_);
  EXPECT_TRUE(set.errors.empty()) << set.errors.front();
  ASSERT_EQ(set.services.items.size(), 1U);
  const auto& web = std::get<core::Service>(set.services.items[0]);
  EXPECT_EQ(web.meta.key().toString(), "default/web");
  EXPECT_TRUE(web.staticSource);
  ASSERT_EQ(web.ports.size(), 1U);
  EXPECT_EQ(std::get<std::uint16_t>(web.ports[0].targetPort), 8080);
  ASSERT_EQ(set.slices.items.size(), 1U);
  EXPECT_EQ(std::get<core::EndpointSlice>(set.slices.items[0]).serviceName, "web");
}

TEST_F(ManifestDir, ReadsJsonListsAndIgnoresOtherKindsAndFiles) {
  write("list.json", R"({"apiVersion":"v1","kind":"List","items":[
    {"apiVersion":"v1","kind":"Service","metadata":{"name":"a","namespace":"ns1"},
     "spec":{"clusterIP":"10.96.0.1","ports":[{"port":53,"protocol":"UDP"}]}},
    {"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"}}]})");
  write("notes.txt", "kind: Service\n");
  const auto set = readManifestDirectory(dir_);
  EXPECT_TRUE(set.errors.empty());
  ASSERT_EQ(set.services.items.size(), 1U);
  EXPECT_EQ(std::get<core::Service>(set.services.items[0]).meta.key().toString(), "ns1/a");
}

TEST_F(ManifestDir, AListWithNullItemsIsEmptyAndTheNextDocumentIsRead) {
  write("empty.yaml", "apiVersion: v1\nkind: List\nitems: null\n---\n" + std::string(kWebYaml));
  const auto set = readManifestDirectory(dir_);
  EXPECT_EQ(set.errors, std::vector<std::string>{});
  EXPECT_EQ(set.services.items.size(), 1U);
  EXPECT_EQ(set.slices.items.size(), 1U);
}

TEST_F(ManifestDir, ABadFileOrObjectIsReportedAloneAndTheRestIsServed) {
  write("a-broken.yaml", "kind: Service\nmetadata: [unclosed\n");
  write("b-bad-port.yaml",
        "apiVersion: v1\nkind: Service\nmetadata: {name: bad}\n"
        "spec: {clusterIP: 10.96.0.2, ports: [{port: 70000}]}\n");
  write("c-web.yaml", kWebYaml);
  const auto set = readManifestDirectory(dir_);
  ASSERT_EQ(set.errors.size(), 2U);
  EXPECT_NE(set.errors[0].find("a-broken.yaml"), std::string::npos);
  EXPECT_NE(set.errors[1].find("b-bad-port.yaml"), std::string::npos);
  EXPECT_EQ(set.services.items.size(), 1U);
}

TEST_F(ManifestDir, MissingDirectoryIsAnErrorNotACrash) {
  const auto set = readManifestDirectory(dir_ / "nope");
  EXPECT_EQ(set.errors.size(), 1U);
  EXPECT_TRUE(set.services.items.empty());
}

std::string serviceYaml(const std::string& name, const std::string& ip) {
  return "apiVersion: v1\nkind: Service\nmetadata: {name: " + name + "}\nspec: {clusterIP: " + ip +
         ", ports: [{port: 80}]}\n";
}

std::vector<std::string> serviceNames(const ManifestSet& set) {
  std::vector<std::string> names;
  for (const auto& item : set.services.items) {
    names.push_back(std::get<core::Service>(item).meta.name);
  }
  return names;
}

std::vector<std::string> deletedNames(const ManifestChanges& changes) {
  std::vector<std::string> names;
  for (const auto& object : changes.deleted) {
    names.push_back(std::string(toString(object.kind)) + " " + object.key.name);
  }
  return names;
}

TEST_F(ManifestDir, CacheParsesOnlyChangedFilesAndReportsWhatTheyChanged) {
  write("a.yaml", serviceYaml("a", "10.96.0.1"));
  write("b.yaml", serviceYaml("b", "10.96.0.2"));
  write("c.yaml", kWebYaml);
  ManifestCache cache;
  const auto first = cache.read(dir_, {}, false);
  EXPECT_EQ(cache.lastParsed(), 3U);
  EXPECT_EQ(serviceNames(first.upserted), (std::vector<std::string>{"a", "b", "web"}));
  EXPECT_EQ(first.upserted.slices.items.size(), 1U);
  EXPECT_TRUE(first.deleted.empty());

  const auto unchanged = cache.read(dir_, {}, false);
  EXPECT_EQ(cache.lastParsed(), 0U);
  EXPECT_TRUE(unchanged.upserted.services.items.empty());
  EXPECT_TRUE(unchanged.upserted.slices.items.empty());
  EXPECT_TRUE(unchanged.deleted.empty());

  // Same size, maybe the same timestamp: the name from inotify is what makes it re-read.
  write("b.yaml", serviceYaml("B", "10.96.0.2"));
  const auto renamed = cache.read(dir_, {"b.yaml"}, false);
  EXPECT_EQ(cache.lastParsed(), 1U);
  EXPECT_EQ(serviceNames(renamed.upserted), std::vector<std::string>{"B"});
  EXPECT_EQ(deletedNames(renamed), std::vector<std::string>{"Service b"});

  fs::remove(dir_ / "a.yaml");  // deleted
  fs::rename(dir_ / "c.yaml", dir_ / "0-web.yaml");
  const auto moved = cache.read(dir_, {"a.yaml", "c.yaml", "0-web.yaml"}, false);
  EXPECT_EQ(cache.lastParsed(), 1U);
  EXPECT_EQ(serviceNames(moved.upserted), std::vector<std::string>{"web"});
  EXPECT_EQ(moved.upserted.slices.items.size(), 1U);
  EXPECT_EQ(deletedNames(moved), std::vector<std::string>{"Service a"});

  // Every file read again: only a text that differs from the last parse is parsed.
  const auto all = cache.read(dir_, {}, true);
  EXPECT_EQ(cache.lastParsed(), 0U);
  EXPECT_TRUE(all.upserted.services.items.empty());
  write("b.yaml", serviceYaml("B", "10.96.0.3"));
  EXPECT_EQ(serviceNames(cache.read(dir_, {}, true).upserted), std::vector<std::string>{"B"});
  EXPECT_EQ(cache.lastParsed(), 1U);
}

TEST_F(ManifestDir, AFileTurnedMalformedDropsOnlyItsOwnObjectsAndIsReportedEachRead) {
  write("a.yaml", serviceYaml("a", "10.96.0.1"));
  write("b.yaml", serviceYaml("b", "10.96.0.2"));
  ManifestCache cache;
  ASSERT_EQ(cache.read(dir_, {}, false).upserted.services.items.size(), 2U);
  write("b.yaml", "kind: Service\nmetadata: [unclosed\n");
  const auto broken = cache.read(dir_, {"b.yaml"}, false);
  EXPECT_TRUE(broken.upserted.services.items.empty());
  EXPECT_EQ(deletedNames(broken), std::vector<std::string>{"Service b"});
  ASSERT_EQ(broken.upserted.errors.size(), 1U);
  EXPECT_NE(broken.upserted.errors[0].find("b.yaml"), std::string::npos);
  const auto again = cache.read(dir_, {}, false);  // not parsed again, still reported, as a full read does
  EXPECT_EQ(cache.lastParsed(), 0U);
  EXPECT_EQ(again.upserted.errors, broken.upserted.errors);
  EXPECT_EQ(again.upserted.errors, readManifestDirectory(dir_).errors);
  write("b.yaml", serviceYaml("b", "10.96.0.2"));
  const auto fixed = cache.read(dir_, {"b.yaml"}, false);
  EXPECT_TRUE(fixed.upserted.errors.empty());
  EXPECT_EQ(serviceNames(fixed.upserted), std::vector<std::string>{"b"});
}

TEST_F(ManifestDir, AnObjectInSeveralFilesIsServedFromTheLastAndTheNextTakesOver) {
  write("a.yaml", serviceYaml("web", "10.96.0.1"));
  write("b.yaml", serviceYaml("web", "10.96.0.2"));
  write("c.yaml", serviceYaml("other", "10.96.0.9"));
  ManifestCache cache;
  const auto first = cache.read(dir_, {}, false);
  ASSERT_EQ(serviceNames(first.upserted), (std::vector<std::string>{"other", "web"}));
  EXPECT_EQ(std::get<core::Service>(first.upserted.services.items[1]).clusterIPs[0].toString(), "10.96.0.2");
  EXPECT_EQ(readManifestDirectory(dir_).services.items.size(), 2U);

  write("a.yaml", serviceYaml("web", "10.96.0.3"));  // not the last definer: nothing to serve
  const auto shadowed = cache.read(dir_, {"a.yaml"}, false);
  EXPECT_EQ(cache.lastParsed(), 1U);
  EXPECT_TRUE(shadowed.upserted.services.items.empty());

  fs::remove(dir_ / "b.yaml");  // a.yaml's definition takes over; nothing is deleted
  const auto takeover = cache.read(dir_, {"b.yaml"}, false);
  ASSERT_EQ(serviceNames(takeover.upserted), std::vector<std::string>{"web"});
  EXPECT_EQ(std::get<core::Service>(takeover.upserted.services.items[0]).clusterIPs[0].toString(),
            "10.96.0.3");
  EXPECT_TRUE(takeover.deleted.empty());

  fs::remove(dir_ / "a.yaml");
  EXPECT_EQ(deletedNames(cache.read(dir_, {"a.yaml"}, false)), std::vector<std::string>{"Service web"});
}

// The cluster cache fed the static source's changes, read after read, equals one built from a fresh
// read of the whole directory, whatever the files did (written, rewritten, emptied, broken, renamed,
// deleted, one object defined in several files).
TEST_F(ManifestDir, ChangesAppliedReadAfterReadEqualAFreshReadOfTheDirectory) {
  std::mt19937 random(14);
  const std::vector<std::string> names{"a.yaml", "b.yaml", "c.json", "d.yaml", "e.yml"};
  const auto manifest = [&](std::size_t file) -> std::string {
    const int variant = static_cast<int>(random() % 7);
    const std::string service = "svc" + std::to_string(random() % 4);  // shared between files
    const std::string ip = "10.96.0." + std::to_string(1 + random() % 200);
    const std::string slice =
        "apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata: {name: " + service + "-" +
        std::to_string(file) + ", labels: {kubernetes.io/service-name: " + service +
        "}}\naddressType: IPv4\nendpoints:\n- addresses: [\"10.244.0." + std::to_string(1 + random() % 200) +
        "\"]\nports: [{name: http, port: 80}]\n";
    if (names[file].ends_with(".json")) {
      return variant == 0
                 ? "{\"kind\": \"Service\", \"metadata\": {\"name\": \"" + service + "\"}"
                 : "{\"apiVersion\": \"v1\", \"kind\": \"Service\", \"metadata\": {\"name\": \"" + service +
                       "\"}, \"spec\": {\"clusterIP\": \"" + ip + "\", \"ports\": [{\"port\": 80}]}}";
    }
    switch (variant) {
      case 0:
        return "";
      case 1:
        return "kind: Service\nmetadata: [unclosed\n";
      case 2:
        return slice;
      default:
        return serviceYaml(service, ip) + "---\n" + slice;
    }
  };
  ManifestCache cache;
  ClusterCache incremental;
  Delta unused;
  for (int step = 0; step < 200; ++step) {
    const auto file = static_cast<std::size_t>(random() % names.size());
    const auto action = random() % 5;
    std::set<std::string> changed{names[file]};
    if (action == 0) {
      fs::remove(dir_ / names[file]);
    } else if (action == 1 && fs::exists(dir_ / names[file])) {
      const auto other = names[(file + 1) % names.size()];
      fs::rename(dir_ / names[file], dir_ / other);
      changed.insert(other);
    } else {
      write(names[file], manifest(file));
    }
    const auto changes = cache.read(dir_, changed, step % 17 == 0);
    for (const auto* list : {&changes.upserted.services, &changes.upserted.slices}) {
      for (const auto& item : list->items) {
        incremental.apply(EventType::Modified, item, unused);
      }
    }
    for (const auto& gone : changes.deleted) {
      incremental.apply(EventType::Deleted, deletionOf(gone), unused);
    }
    auto fresh = readManifestDirectory(dir_);
    ClusterCache scratch;
    scratch.replace(ResourceKind::Service, std::move(fresh.services.items), {}, "", unused);
    scratch.replace(ResourceKind::EndpointSlice, std::move(fresh.slices.items), {}, "", unused);
    ASSERT_EQ(incremental.snapshot(), scratch.snapshot()) << "step " << step;
    ASSERT_EQ(changes.upserted.errors, fresh.errors) << "step " << step;
  }
}

TEST_F(ManifestDir, StaticSourcePostsListsFirstThenEventsOfTheChangedFiles) {
  write("web.yaml", kWebYaml);
  write("other.yaml", serviceYaml("other", "10.96.0.99"));
  std::mutex mutex;
  std::vector<SourceEvent> events;
  StaticSource source(dir_, [&](SourceEvent&& event) {
    const std::lock_guard lock(mutex);
    events.push_back(std::move(event));
  });
  source.start();
  auto count = [&](SourceEvent::Type type) {
    const std::lock_guard lock(mutex);
    return std::count_if(events.begin(), events.end(), [&](const SourceEvent& e) { return e.type == type; });
  };
  EXPECT_EQ(count(SourceEvent::Type::Listed), 2);
  {
    const std::lock_guard lock(mutex);
    ASSERT_EQ(events.size(), 2U);
    EXPECT_EQ(events[0].list.items.size(), 2U);  // both Services
    EXPECT_EQ(events[1].list.items.size(), 1U);  // web's slice
  }
  fs::remove(dir_ / "web.yaml");
  for (int i = 0; i < 100 && count(SourceEvent::Type::Watch) < 2; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  source.stop();
  const std::lock_guard lock(mutex);
  ASSERT_EQ(events.size(), 4U) << "no second LIST, one event per object of the deleted file";
  std::set<std::pair<ResourceKind, std::string>> deleted;
  for (std::size_t i = 2; i < events.size(); ++i) {
    ASSERT_EQ(events[i].type, SourceEvent::Type::Watch);
    EXPECT_EQ(events[i].event.type, EventType::Deleted);
    deleted.emplace(events[i].resource, metaOf(*events[i].event.object).name);
  }
  EXPECT_EQ(deleted, (std::set<std::pair<ResourceKind, std::string>>{
                         {ResourceKind::Service, "web"}, {ResourceKind::EndpointSlice, "web-1"}}));
}

}  // namespace
}  // namespace kipvs::k8s

namespace kipvs::k8s {
namespace {

class RecordingCallbacks final : public SubscriptionCallbacks {
 public:
  void onSnapshot(const core::ClusterSnapshot& /*snapshot*/) override { ++snapshots; }
  void onDelta(const core::ClusterSnapshot& snapshot, const Delta& delta) override {
    deltas.push_back(delta);
    const auto slices = snapshot.slicesByService.find({"default", "web"});
    lastEndpointCount =
        slices == snapshot.slicesByService.end() ? 0 : slices->second.front().endpoints.size();
  }
  void onFailure(FailureReason /*reason*/, const std::string& /*detail*/) override {}
  int snapshots = 0;
  std::vector<Delta> deltas;
  std::size_t lastEndpointCount = 0;
};

TEST_F(ManifestDir, ARewrittenManifestBecomesADeltaOfItsServiceOnly) {
  write("web.yaml", kWebYaml);
  write("other.yaml",
        "apiVersion: v1\nkind: Service\nmetadata: {name: other}\n"
        "spec: {clusterIP: 10.96.0.99, ports: [{port: 53, protocol: UDP}]}\n");
  EventQueue queue;
  RecordingCallbacks callbacks;
  ClusterSubscription subscription(callbacks, {ResourceKind::Service, ResourceKind::EndpointSlice});
  StaticSource source(dir_, [&](SourceEvent&& event) { queue.push(std::move(event)); });
  source.start();
  auto pump = [&] {
    for (auto& event : queue.drain()) {
      subscription.handle(std::move(event));
    }
  };
  pump();
  ASSERT_EQ(callbacks.snapshots, 1);
  std::string grown = kWebYaml;
  const std::string anchor = "  nodeName: node-a\nports:";
  grown.replace(grown.find(anchor), anchor.size(),
                "  nodeName: node-a\n- addresses: [\"10.244.1.6\"]\n  nodeName: node-a\nports:");
  write("web.yaml.tmp", grown);
  fs::rename(dir_ / "web.yaml.tmp", dir_ / "web.yaml");
  for (int i = 0; i < 100 && callbacks.deltas.empty(); ++i) {
    queue.waitFor(std::chrono::milliseconds(20));
    pump();
  }
  source.stop();
  ASSERT_EQ(callbacks.deltas.size(), 1U);
  EXPECT_EQ(callbacks.deltas[0].services, (std::set<core::ObjectKey>{{"default", "web"}}));
  EXPECT_EQ(callbacks.lastEndpointCount, 2U);
}

}  // namespace
}  // namespace kipvs::k8s
