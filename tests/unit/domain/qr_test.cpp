#include "convene/domain/qr.hpp"

#include <gtest/gtest.h>

#include "qr_decode.hpp"

namespace convene::domain {
namespace {

constexpr const char* kUrl = "https://convene.example.org/j/Dm4n4pizETixFSaXuirm2037O_uZ9ctiMAZJYUDjYbQ";

TEST(Qr, PngDecodesBackToTheText) {
    const QrCode qr(kUrl);
    for (int size : {64, 300, 1024}) EXPECT_EQ(testing::DecodeQr(qr.Png(size)), kUrl) << size;
}

TEST(Qr, PngHasAQuietZoneAndWholePixelModules) {
    const QrCode qr(kUrl);
    const auto png = qr.Png(500);
    ASSERT_GT(png.size(), 24u);
    EXPECT_EQ(png.substr(1, 3), "PNG");
    auto be32 = [&](std::size_t at) {
        return (static_cast<unsigned>(static_cast<unsigned char>(png[at])) << 24) |
               (static_cast<unsigned>(static_cast<unsigned char>(png[at + 1])) << 16) |
               (static_cast<unsigned>(static_cast<unsigned char>(png[at + 2])) << 8) |
               static_cast<unsigned>(static_cast<unsigned char>(png[at + 3]));
    };
    const unsigned width = be32(16), height = be32(20);
    const unsigned modules = static_cast<unsigned>(qr.Width() + 2 * QrCode::kQuietZone);
    EXPECT_EQ(width, height);
    EXPECT_GE(width, 500u);
    EXPECT_EQ(width % modules, 0u);
}

TEST(Qr, SvgIsScalableAndHasTheQuietZone) {
    const QrCode qr(kUrl);
    const auto svg = qr.Svg();
    const auto size = std::to_string(qr.Width() + 2 * QrCode::kQuietZone);
    EXPECT_TRUE(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
    EXPECT_NE(svg.find("viewBox=\"0 0 " + size + " " + size + "\""), std::string::npos);
    EXPECT_EQ(svg.find("M0 "), std::string::npos);  // nothing drawn in the quiet zone
    EXPECT_TRUE(svg.ends_with("</svg>"));
}

TEST(Qr, TextTooLongForAQrCodeThrows) {
    EXPECT_THROW(QrCode(std::string(8000, 'x')), std::runtime_error);
}

}  // namespace
}  // namespace convene::domain
