#include "convene/http/request.hpp"

#include <gtest/gtest.h>

namespace convene::http {
namespace {

TEST(Request, SplitsTargetIntoPathAndQuery) {
    auto request = Request::Make(Method::kGet, "/api/x?a=1&b=two%20words&c=%2B+plus");
    EXPECT_EQ(request.path, "/api/x");
    EXPECT_EQ(request.QueryParam("a"), "1");
    EXPECT_EQ(request.QueryParam("b"), "two words");
    EXPECT_EQ(request.QueryParam("c"), "+ plus");
    EXPECT_FALSE(request.QueryParam("d"));
}

TEST(Request, HeadersAreCaseInsensitive) {
    auto request = Request::Make(Method::kGet, "/", {}, {{"X-Thing", "v"}});
    EXPECT_EQ(request.Header("x-thing"), "v");
    EXPECT_FALSE(request.Header("x-other"));
}

TEST(Request, ReadsCookiesAmongOthers) {
    auto request = Request::Make(Method::kGet, "/", {},
                                 {{"Cookie", "a=1; convene_session=cvs_abc ;b=\"q\""}});
    EXPECT_EQ(request.Cookie("convene_session"), "cvs_abc");
    EXPECT_EQ(request.Cookie("b"), "q");
    EXPECT_FALSE(request.Cookie("convene"));
}

TEST(Request, PercentDecodingRejectsBadEscapes) {
    EXPECT_EQ(PercentDecode("a%2Fb"), "a/b");
    EXPECT_FALSE(PercentDecode("a%2"));
    EXPECT_FALSE(PercentDecode("a%zz"));
    EXPECT_FALSE(PercentDecode("%"));
}

TEST(Request, MethodsRoundTrip) {
    EXPECT_EQ(ParseMethod("PATCH"), Method::kPatch);
    EXPECT_EQ(ParseMethod("patch"), Method::kOther);
    EXPECT_EQ(MethodName(Method::kDelete), "DELETE");
    EXPECT_TRUE(ChangesState(Method::kPost));
    EXPECT_FALSE(ChangesState(Method::kGet));
}

}  // namespace
}  // namespace convene::http
