#include "convene/http/static_files.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "temp_dir.hpp"

namespace convene::http {
namespace {

Response Get(const StaticFiles& files, const std::string& path, Headers headers = {}) {
    auto response = files.Serve(Request::Make(Method::kGet, path, {}, std::move(headers)));
    return response ? *response : Response{.status = 404, .headers = {}, .body = {}};
}

TEST(StaticFiles, ServesTheEmbeddedHomePageWithTypeAndETag) {
    StaticFiles files;
    auto home = Get(files, "/");
    ASSERT_EQ(home.status, 200);
    EXPECT_EQ(home.Header("Content-Type"), "text/html; charset=utf-8");
    EXPECT_NE(home.body.find("id=\"join-form\""), std::string::npos);
    EXPECT_NE(home.body.find("/signin"), std::string::npos);
    ASSERT_TRUE(home.Header("ETag"));
    EXPECT_EQ(home.Header("Cache-Control"), "no-cache");
}

TEST(StaticFiles, RevalidationAnswers304) {
    StaticFiles files;
    const std::string etag(Get(files, "/app.css").Header("ETag").value());
    auto again = Get(files, "/app.css", {{"If-None-Match", etag}});
    EXPECT_EQ(again.status, 304);
    EXPECT_TRUE(again.body.empty());
    EXPECT_EQ(Get(files, "/app.css", {{"If-None-Match", "\"other\""}}).status, 200);
    EXPECT_EQ(Get(files, "/app.css", {{"If-None-Match", "\"a\", W/" + etag}}).status, 304);
}

TEST(StaticFiles, ContentTypes) {
    StaticFiles files;
    EXPECT_EQ(Get(files, "/app.css").Header("Content-Type"), "text/css; charset=utf-8");
    EXPECT_EQ(Get(files, "/join.js").Header("Content-Type"), "text/javascript; charset=utf-8");
    EXPECT_EQ(StaticFiles::ContentTypeFor("x.svg"), "image/svg+xml");
    EXPECT_EQ(StaticFiles::ContentTypeFor("x.unknown"), "application/octet-stream");
}

TEST(StaticFiles, PagesAreReachableWithoutExtension) {
    StaticFiles files;
    auto signin = Get(files, "/signin");
    EXPECT_EQ(signin.status, 200);
    EXPECT_NE(signin.body.find("id=\"login-form\""), std::string::npos);
}

TEST(StaticFiles, RefusesTraversalAndHiddenFiles) {
    testing::TempDir dir;
    std::filesystem::create_directories(dir.Path() / "web");
    std::ofstream(dir.Path() / "secret.txt") << "secret";
    std::ofstream(dir.Path() / "web" / ".env") << "secret";
    std::ofstream(dir.Path() / "web" / "index.html") << "<p>dev copy</p>";
    StaticFiles files(dir.Path() / "web");
    EXPECT_EQ(Get(files, "/").body, "<p>dev copy</p>");
    for (const char* path : {"/../secret.txt", "/.env", "/a/../../secret.txt", "//etc/passwd",
                             "/..%2fsecret.txt", "/nothing.html"}) {
        EXPECT_EQ(Get(files, path).status, 404) << path;
    }
}

TEST(StaticFiles, WebDirIsReadAtEachRequest) {
    testing::TempDir dir;
    std::ofstream(dir.Path() / "index.html") << "one";
    StaticFiles files(dir.Path());
    const auto first = Get(files, "/");
    std::ofstream(dir.Path() / "index.html") << "two";
    const auto second = Get(files, "/");
    EXPECT_EQ(second.body, "two");
    EXPECT_NE(first.Header("ETag"), second.Header("ETag"));
}

}  // namespace
}  // namespace convene::http
