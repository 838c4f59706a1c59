// The shipped encodings as the fuzz targets and the regression runner see them: data/encodings.json
// read by a small JSON reader of our own (the fuzz build links nothing but the core), each
// encoding's .tkv blob, and a core Encoding built from them the way the Node binding builds it.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "encoding.h"

namespace turbotoken_fuzz {

struct LoadedEncoding {
  std::string name;
  std::shared_ptr<const turbotoken::Encoding> encoding;
};

// The data directory: $TURBOTOKEN_DATA, else the source tree's data/ (compiled in).
std::string data_dir();

// Loads every encoding in data/encodings.json, in manifest order. On failure returns false and
// says why in *error.
bool load_all_encodings(std::vector<LoadedEncoding>* out, std::string* error);

// For a fuzz target's LLVMFuzzerInitialize: every encoding, loaded once for the process; a failure
// ends the process with exit 2, the message prefixed by `target`.
std::vector<LoadedEncoding>* load_all_encodings_or_exit(const char* target);

}  // namespace turbotoken_fuzz
