#include "ipvs/message.hpp"

#include <gtest/gtest.h>
#include <linux/genetlink.h>
#include <linux/ip_vs.h>
#include <linux/netlink.h>

#include "bytes.hpp"
#include "ipvs_test_util.hpp"

namespace kipvs::ipvs {
namespace {

using namespace testing;

Bytes header(std::uint32_t length, std::uint16_t type, std::uint16_t flags, std::uint32_t seq) {
  return cat({le32(length), le16(type), le16(flags), le32(seq), le32(0)});
}

TEST(Message, RequestsAreFramedBackToBack) {
  Bytes out;
  appendRequest(out, 0x1c, 7, NLM_F_ACK,
                Request{.command = IPVS_CMD_DEL_SERVICE, .attributes = {1, 2, 3, 4, 5}});
  appendRequest(out, 0x1c, 8, 0, encodeDumpServices());
  const Bytes first =
      cat({header(16 + 4 + 5, 0x1c, NLM_F_REQUEST | NLM_F_ACK, 7),
           Bytes{IPVS_CMD_DEL_SERVICE, IPVS_GENL_VERSION, 0, 0}, Bytes{1, 2, 3, 4, 5, 0, 0, 0}});
  const Bytes second = cat({header(20, 0x1c, NLM_F_REQUEST | NLM_F_DUMP, 8),
                            Bytes{IPVS_CMD_GET_SERVICE, IPVS_GENL_VERSION, 0, 0}});
  EXPECT_EQ(out, cat({first, second}));
}

TEST(Message, SplitsADatagramAndReadsErrorsAndDone) {
  const Bytes ack = cat({header(36, NLMSG_ERROR, 0, 5), le32(0), header(20, 0x1c, NLM_F_REQUEST, 5)});
  const Bytes error = cat({header(36, NLMSG_ERROR, 0, 6), le32(static_cast<std::uint32_t>(-EEXIST)),
                           header(20, 0x1c, NLM_F_REQUEST, 6)});
  const Bytes reply = cat({header(28, 0x1c, NLM_F_MULTI, 9), Bytes{IPVS_CMD_NEW_SERVICE, 1, 0, 0},
                           attr(IPVS_INFO_ATTR_VERSION, le32(1))});
  const Bytes done = cat({header(20, NLMSG_DONE, NLM_F_MULTI, 9), le32(0)});
  const Bytes datagram = cat({ack, error, reply, done});
  const auto messages = splitMessages(datagram);
  ASSERT_EQ(messages.size(), 4U);
  EXPECT_TRUE(messages[0].isError());
  EXPECT_EQ(messages[0].seq, 5U);
  EXPECT_EQ(messages[0].errnum(), 0);
  EXPECT_EQ(messages[1].errnum(), EEXIST);
  EXPECT_EQ(messages[2].type, 0x1c);
  EXPECT_EQ(messages[2].flags, NLM_F_MULTI);
  EXPECT_EQ(messages[2].genlCommand(), IPVS_CMD_NEW_SERVICE);
  EXPECT_EQ(Bytes(messages[2].genlAttributes().begin(), messages[2].genlAttributes().end()),
            attr(IPVS_INFO_ATTR_VERSION, le32(1)));
  EXPECT_TRUE(messages[3].isDone());
  EXPECT_EQ(messages[3].errnum(), 0);
}

// Found by fuzzing the reply codec: negating INT32_MIN was undefined behaviour.
TEST(Message, AnErrnoOfIntMinStaysPositive) {
  const Bytes datagram = cat({header(20, NLMSG_ERROR, 0, 1), le32(0x80000000U)});
  const auto messages = splitMessages(datagram);
  ASSERT_EQ(messages.size(), 1U);
  EXPECT_GT(messages[0].errnum(), 0);
}

TEST(Message, TruncatedOrInconsistentHeadersAreErrors) {
  EXPECT_EQ(errnoOf([] { splitMessages(Bytes(10, 0)); }), EBADMSG);
  EXPECT_EQ(errnoOf([] { splitMessages(header(64, NLMSG_ERROR, 0, 1)); }), EBADMSG);
  EXPECT_EQ(errnoOf([] { splitMessages(header(8, NLMSG_ERROR, 0, 1)); }), EBADMSG);
  const auto shortError = splitMessages(cat({header(18, NLMSG_ERROR, 0, 1), Bytes{0, 0}}));
  EXPECT_EQ(errnoOf([&] { (void)shortError.at(0).errnum(); }), EBADMSG);
  const auto noGenl = splitMessages(cat({header(18, 0x1c, 0, 1), Bytes{1, 0}}));
  EXPECT_EQ(errnoOf([&] { (void)noGenl.at(0).genlAttributes(); }), EBADMSG);
}

TEST(Message, EmptyDatagramHasNoMessages) {
  EXPECT_TRUE(splitMessages({}).empty());
}

}  // namespace
}  // namespace kipvs::ipvs
