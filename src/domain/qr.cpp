#include "convene/domain/qr.hpp"

#include <png.h>
#include <qrencode.h>

#include <memory>
#include <stdexcept>
#include <string>

namespace convene::domain {

QrCode::QrCode(std::string_view text) {
    const std::string data(text);
    std::unique_ptr<QRcode, decltype(&QRcode_free)> code(
        QRcode_encodeString8bit(data.c_str(), 0, QR_ECLEVEL_M), &QRcode_free);
    if (!code) throw std::runtime_error("cannot encode a QR code for this text");
    width_ = code->width;
    modules_.resize(static_cast<std::size_t>(width_ * width_));
    for (std::size_t i = 0; i < modules_.size(); ++i) modules_[i] = (code->data[i] & 1) != 0;
}

std::string QrCode::Svg() const {
    const int size = width_ + 2 * kQuietZone;
    std::string svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " +
                      std::to_string(size) + " " + std::to_string(size) +
                      "\" shape-rendering=\"crispEdges\">"
                      "<rect width=\"100%\" height=\"100%\" fill=\"#fff\"/><path fill=\"#000\" d=\"";
    // One horizontal run per path segment keeps the file small.
    for (int y = 0; y < width_; ++y) {
        for (int x = 0; x < width_;) {
            if (!Dark(x, y)) {
                ++x;
                continue;
            }
            int run = 1;
            while (x + run < width_ && Dark(x + run, y)) ++run;
            svg += "M" + std::to_string(x + kQuietZone) + " " + std::to_string(y + kQuietZone) +
                   "h" + std::to_string(run) + "v1h-" + std::to_string(run) + "z";
            x += run;
        }
    }
    return svg + "\"/></svg>";
}

namespace {

void AppendToString(png_structp png, png_bytep data, png_size_t length) {
    auto* out = static_cast<std::string*>(png_get_io_ptr(png));
    out->append(reinterpret_cast<const char*>(data), length);
}

void NoFlush(png_structp) {}

}  // namespace

std::string QrCode::Png(int min_pixels) const {
    const int modules = width_ + 2 * kQuietZone;
    const int scale = std::max(1, (min_pixels + modules - 1) / modules);
    const int pixels = modules * scale;

    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, nullptr, nullptr);
    if (png == nullptr) throw std::runtime_error("libpng: cannot create a writer");
    png_infop info = png_create_info_struct(png);
    std::string out;
    std::vector<png_byte> row(static_cast<std::size_t>(pixels));
    // libpng reports errors by longjmp; nothing with a destructor is created after this point.
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_write_struct(&png, &info);
        throw std::runtime_error("libpng: cannot write the QR code");
    }
    png_set_write_fn(png, &out, AppendToString, NoFlush);
    png_set_IHDR(png, info, static_cast<png_uint_32>(pixels), static_cast<png_uint_32>(pixels), 8,
                 PNG_COLOR_TYPE_GRAY, PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
                 PNG_FILTER_TYPE_DEFAULT);
    png_write_info(png, info);
    for (int y = 0; y < pixels; ++y) {
        const int my = y / scale - kQuietZone;
        for (int x = 0; x < pixels; ++x) {
            const int mx = x / scale - kQuietZone;
            const bool dark = mx >= 0 && my >= 0 && mx < width_ && my < width_ && Dark(mx, my);
            row[static_cast<std::size_t>(x)] = dark ? 0 : 255;
        }
        png_write_row(png, row.data());
    }
    png_write_end(png, nullptr);
    png_destroy_write_struct(&png, &info);
    return out;
}

}  // namespace convene::domain
