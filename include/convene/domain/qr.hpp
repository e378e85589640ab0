#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace convene::domain {

/// A QR code as a square of dark/light modules (libqrencode, error correction M).
class QrCode {
public:
    /// Encodes `text` as bytes. Throws std::runtime_error when it does not fit a QR code.
    explicit QrCode(std::string_view text);

    int Width() const { return width_; }
    bool Dark(int x, int y) const { return modules_[static_cast<std::size_t>(y * width_ + x)]; }

    /// An SVG drawing with a 4-module quiet zone, scalable to any size.
    std::string Svg() const;
    /// An 8-bit greyscale PNG (libpng) at least `min_pixels` wide (whole pixels per module,
    /// quiet zone included), so that every module has the same size.
    std::string Png(int min_pixels) const;

    static constexpr int kQuietZone = 4;

private:
    int width_ = 0;
    std::vector<bool> modules_;
};

}  // namespace convene::domain
