#include <gtest/gtest.h>

#include "common/printable.h"

namespace nri_seccomp {
namespace {

using namespace std::string_literals;

TEST(Printable, ValidUtf8PassesUnchanged) {
  for (const char* s : {"", "plain ascii", "caf\xc3\xa9", "\xe2\x82\xac 5", "\xf0\x9f\x94\x92 locked", "\xc2\xa0nbsp"}) {
    EXPECT_TRUE(is_printable(s)) << s;
    EXPECT_EQ(printable(s), s);
  }
}

TEST(Printable, ControlBytesAndBrokenSequencesBecomeHexEscapesWithoutCuttingAnything) {
  EXPECT_EQ(printable("a\0b"s), "a\\x00b");
  EXPECT_EQ(printable("line\nnext\tx\x1b[31m\x7f"), "line\\x0anext\\x09x\\x1b[31m\\x7f");
  EXPECT_EQ(printable("bad \xff\xfe end"), "bad \\xff\\xfe end");
  EXPECT_EQ(printable("cut \xe2\x82"), "cut \\xe2\\x82");            // truncated sequence
  EXPECT_EQ(printable("\xc0\xaf"), "\\xc0\\xaf");                      // overlong '/'
  EXPECT_EQ(printable("\xed\xa0\x80"), "\\xed\\xa0\\x80");             // surrogate
  EXPECT_EQ(printable("\xf4\x90\x80\x80"), "\\xf4\\x90\\x80\\x80");    // above U+10FFFF
  EXPECT_EQ(printable("\xc2\x85"), "\\xc2\\x85");                      // C1 control (NEL)
  EXPECT_FALSE(is_printable("\x01"));
}

TEST(Printable, OutputIsAlwaysPrintable) {
  std::string all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<char>(i));
  const std::string out = printable(all + all);
  EXPECT_TRUE(is_printable(out));
  EXPECT_EQ(out.find('\0'), std::string::npos);
}

}  // namespace
}  // namespace nri_seccomp
