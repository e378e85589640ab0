#pragma once

#include <cstddef>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace convene::live {

/// Follows the participant counts the hub reports and says when enough participants have
/// left since the last time to be worth handing freed memory back to the system (glibc keeps
/// it in its arenas otherwise: after 10,000 sockets closed, 100 MB stayed resident). Not
/// thread-safe: the hub reports from its one flushing thread.
class ReleaseTracker {
public:
    explicit ReleaseTracker(std::size_t threshold) : threshold_(threshold) {}

    /// True when, with these counts, at least `threshold` participants have left since the
    /// last true, or a room emptied and a tenth of that has (the tail of a crowd leaving).
    bool Report(const std::vector<std::pair<std::string, std::size_t>>& counts) {
        bool emptied = false;
        for (const auto& [session, count] : counts) {
            auto& last = last_[session];
            if (count < last) released_ += last - count;
            if (count == 0 && last > 0) emptied = true;
            last = count;
            if (count == 0) last_.erase(session);
        }
        if (released_ < threshold_ && !(emptied && released_ * 10 >= threshold_)) return false;
        released_ = 0;
        return true;
    }

private:
    std::size_t threshold_;
    std::size_t released_ = 0;
    std::unordered_map<std::string, std::size_t> last_;
};

}  // namespace convene::live
