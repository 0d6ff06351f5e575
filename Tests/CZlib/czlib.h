// zlib for the tests: they inflate the PNG files the Python tool writes, to check their
// pixels with a decoder that shares nothing with matplotlib's encoder.
#ifndef PONDER_CZLIB_H
#define PONDER_CZLIB_H

#include <features.h>
#include <zlib.h>

#endif
