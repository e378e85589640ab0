// Asio and Beast are compiled once, here (BOOST_*_SEPARATE_COMPILATION).
#include <utility>  // before Asio, for GCC 12 (see shared/toolchain.md)

#include <boost/asio/impl/src.hpp>
#include <boost/beast/src.hpp>
