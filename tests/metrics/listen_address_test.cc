#include "metrics/listen_address.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/error.h"

namespace nri_seccomp::metrics {
namespace {

using ::testing::HasSubstr;

TEST(ListenAddress, ParsesTheAcceptedForms) {
  auto a = parse_listen_address("0.0.0.0:9464");
  EXPECT_EQ(a.host, "0.0.0.0");
  EXPECT_EQ(a.port, 9464);
  EXPECT_EQ(parse_listen_address("localhost:1").host, "localhost");
  auto v6 = parse_listen_address("[::1]:65535");
  EXPECT_EQ(v6.host, "::1");
  EXPECT_EQ(v6.port, 65535);
  EXPECT_EQ(v6.to_string(), "[::1]:65535");
  auto any = parse_listen_address(":9464");
  EXPECT_EQ(any.host, "");
  EXPECT_EQ(any.port, 9464);
  EXPECT_EQ(parse_listen_address("127.0.0.1:0").port, 0);
}

// Each bad input must fail with a message that names the flag and the input.
void expect_rejected(const std::string& text, const std::string& why) {
  try {
    parse_listen_address(text);
    ADD_FAILURE() << "accepted '" << text << "'";
  } catch (const Error& e) {
    EXPECT_THAT(e.what(), HasSubstr("--metrics-address")) << text;
    EXPECT_THAT(e.what(), HasSubstr(why)) << text;
  }
}

TEST(ListenAddress, RejectsBadInputWithClearErrors) {
  expect_rejected("", "empty");
  expect_rejected("9464", "missing ':PORT'");
  expect_rejected("0.0.0.0:", "missing port");
  expect_rejected("0.0.0.0:http", "not a number");
  expect_rejected("0.0.0.0:-1", "not a number");
  expect_rejected("0.0.0.0:65536", "above 65535");
  expect_rejected("0.0.0.0:999999", "not a number");
  expect_rejected("::1:9464", "brackets");
  expect_rejected("[::1:9464", "closing ']'");
  expect_rejected("[]:9464", "empty IPv6");
  expect_rejected("[::1]9464", "after ']'");
  expect_rejected("host name:9464", "not allowed");
  expect_rejected("a/b:9464", "not allowed");
}

}  // namespace
}  // namespace nri_seccomp::metrics
