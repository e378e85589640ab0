#pragma once

#include <stdlib.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>

#include "populated_world.hpp"

namespace convene::fuzz {

/// A fresh PopulatedWorld for every input, so that each input runs as it will alone when it
/// is reproduced, without paying for the world's ~20 requests each time: the world is built
/// once into a database file, and each input gets a copy of that file with services, rate
/// limits and a random of its own (another seed, so new ids do not repeat the file's).
class FreshWorlds {
public:
    FreshWorlds() {
        std::string pattern = (std::filesystem::exists("/dev/shm") ? "/dev/shm" : "/tmp");
        pattern += "/convene-fuzz-XXXXXX";
        if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
        dir_ = pattern;
        {
            // Closing it checkpoints the WAL: the file alone is the whole world.
            testing::PopulatedWorld built((dir_ / "built.db").string(), 42);
            keys_ = static_cast<const testing::WorldKeys&>(built);
        }
    }
    ~FreshWorlds() {
        std::error_code ignored;
        std::filesystem::remove_all(dir_, ignored);
    }
    FreshWorlds(const FreshWorlds&) = delete;
    FreshWorlds& operator=(const FreshWorlds&) = delete;

    /// A world as it was just built. The one before must be gone (it uses the same file).
    std::unique_ptr<testing::PopulatedWorld> Next() {
        const auto path = dir_ / "world.db";
        for (const char* suffix : {"", "-wal", "-shm"}) {
            std::filesystem::remove(path.string() + suffix);
        }
        // libFuzzer's timers interrupt system calls: a copy cut short by a signal (EINTR) is
        // made again, from the start (seen once in CI: "cannot copy file: Interrupted system
        // call" ended the run).
        for (int tries = 1;; ++tries) {
            std::error_code ec;
            std::filesystem::remove(path, ec);
            if (std::filesystem::copy_file(dir_ / "built.db", path, ec)) break;
            if (ec != std::errc::interrupted || tries == 100) {
                throw std::filesystem::filesystem_error("cannot copy the world", dir_ / "built.db",
                                                        path, ec);
            }
        }
        return std::make_unique<testing::PopulatedWorld>(keys_, path.string(), 43);
    }

private:
    std::filesystem::path dir_;
    testing::WorldKeys keys_;
};

}  // namespace convene::fuzz
