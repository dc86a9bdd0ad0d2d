#include "host/file_state_store.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <fstream>
#include <system_error>

namespace kipvs::host {
namespace {

namespace fs = std::filesystem;

class StateDir : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "kipvs-state-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    root_ = pattern;
  }
  void TearDown() override { fs::remove_all(root_); }
  fs::path root_;
};

TEST_F(StateDir, LoadOfAMissingFileIsNothingStored) {
  FileStateStore store(root_ / "var/lib/kipvs/state");
  EXPECT_EQ(store.load(), std::nullopt);
}

TEST_F(StateDir, SaveCreatesTheDirectoryAndLoadReadsItBack) {
  FileStateStore store(root_ / "var/lib/kipvs/state");
  const std::string text = "owned TCP 10.96.0.1:443\nowned UDP [fd00::a]:53\n" + std::string(200000, 'x');
  store.save(text);
  EXPECT_EQ(store.load(), text);
  EXPECT_EQ(fs::status(root_ / "var/lib/kipvs/state").permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read | fs::perms::others_read);
  EXPECT_FALSE(fs::exists(root_ / "var/lib/kipvs/state.tmp"));  // renamed into place
}

TEST_F(StateDir, SaveReplacesTheWholeContent) {
  FileStateStore store(root_ / "state");
  store.save("a much longer first version\n");
  store.save("short\n");
  EXPECT_EQ(store.load(), "short\n");
  store.save("");
  EXPECT_EQ(store.load(), "");
}

TEST_F(StateDir, FailuresNameTheFileAndCarryTheErrno) {
  std::ofstream(root_ / "file") << "not a directory";
  FileStateStore store(root_ / "file" / "state");
  try {
    store.save("x");
    FAIL() << "no exception";
  } catch (const std::system_error& error) {
    EXPECT_NE(error.code().value(), 0);
    EXPECT_NE(std::string(error.what()).find((root_ / "file").string()), std::string::npos) << error.what();
  }
  fs::create_directories(root_ / "dir-as-state");
  EXPECT_THROW(FileStateStore(root_ / "dir-as-state").load(),
               std::system_error);  // read of a directory: EISDIR
}

}  // namespace
}  // namespace kipvs::host
