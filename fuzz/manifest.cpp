#include "manifest.h"

#include <cstdio>
#include <cstdlib>
#include <map>

namespace turbotoken_fuzz {
namespace {

// Just enough JSON for the manifest: objects, arrays, strings (with \uXXXX escapes), numbers and
// the three literals. A parse error leaves ok = false.
struct Json {
  enum Kind { kNull, kBool, kNumber, kString, kArray, kObject } kind = kNull;
  double number = 0;
  std::string text;
  std::vector<Json> items;
  std::vector<std::pair<std::string, Json>> members;  // in document order

  const Json* get(const std::string& key) const {
    for (const auto& m : members)
      if (m.first == key) return &m.second;
    return nullptr;
  }
};

class Reader {
 public:
  explicit Reader(const std::string& s) : s_(s) {}
  bool ok = true;

  Json value() {
    Json v;
    skip_space();
    if (i_ >= s_.size()) return fail();
    char c = s_[i_];
    if (c == '{') return object();
    if (c == '[') return array();
    if (c == '"') {
      v.kind = Json::kString;
      v.text = string();
      return v;
    }
    if (literal("true") || literal("false")) {
      v.kind = Json::kBool;
      return v;
    }
    if (literal("null")) return v;
    char* end = nullptr;
    v.number = std::strtod(s_.c_str() + i_, &end);
    if (end == s_.c_str() + i_) return fail();
    v.kind = Json::kNumber;
    i_ = size_t(end - s_.c_str());
    return v;
  }

 private:
  Json fail() {
    ok = false;
    i_ = s_.size();
    return Json{};
  }
  void skip_space() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\n' || s_[i_] == '\r' || s_[i_] == '\t')) i_++;
  }
  bool literal(const char* word) {
    size_t n = std::char_traits<char>::length(word);
    if (s_.compare(i_, n, word) != 0) return false;
    i_ += n;
    return true;
  }
  bool expect(char c) {
    skip_space();
    if (i_ < s_.size() && s_[i_] == c) {
      i_++;
      return true;
    }
    ok = false;
    return false;
  }
  // The elements of a list whose opening bracket is next, up to `close`: element() reads one.
  template <typename Element>
  void elements(char close, Element element) {
    i_++;
    skip_space();
    if (i_ < s_.size() && s_[i_] == close) {
      i_++;
      return;
    }
    while (ok) {
      element();
      skip_space();
      if (i_ < s_.size() && s_[i_] == ',') {
        i_++;
        continue;
      }
      expect(close);
      break;
    }
  }
  Json object() {
    Json v;
    v.kind = Json::kObject;
    elements('}', [&] {
      skip_space();
      std::string key = string();
      if (expect(':')) v.members.emplace_back(key, value());
    });
    return v;
  }
  Json array() {
    Json v;
    v.kind = Json::kArray;
    elements(']', [&] { v.items.push_back(value()); });
    return v;
  }
  void append_utf8(std::string& out, uint32_t cp) {
    if (cp < 0x80) {
      out += char(cp);
    } else if (cp < 0x800) {
      out += char(0xC0 | (cp >> 6));
      out += char(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      out += char(0xE0 | (cp >> 12));
      out += char(0x80 | ((cp >> 6) & 0x3F));
      out += char(0x80 | (cp & 0x3F));
    } else {
      out += char(0xF0 | (cp >> 18));
      out += char(0x80 | ((cp >> 12) & 0x3F));
      out += char(0x80 | ((cp >> 6) & 0x3F));
      out += char(0x80 | (cp & 0x3F));
    }
  }
  uint32_t hex4() {
    if (i_ + 4 > s_.size()) return fail(), 0;
    uint32_t v = uint32_t(std::strtoul(s_.substr(i_, 4).c_str(), nullptr, 16));
    i_ += 4;
    return v;
  }
  std::string string() {
    std::string out;
    if (i_ >= s_.size() || s_[i_] != '"') return fail(), out;
    i_++;
    while (i_ < s_.size() && s_[i_] != '"') {
      char c = s_[i_++];
      if (c != '\\') {
        out += c;
        continue;
      }
      if (i_ >= s_.size()) break;
      char e = s_[i_++];
      switch (e) {
        case 'n': out += '\n'; break;
        case 't': out += '\t'; break;
        case 'r': out += '\r'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'u': {
          uint32_t cp = hex4();
          if (cp >= 0xD800 && cp < 0xDC00 && s_.compare(i_, 2, "\\u") == 0) {
            i_ += 2;
            cp = 0x10000 + ((cp - 0xD800) << 10) + (hex4() - 0xDC00);
          }
          append_utf8(out, cp);
          break;
        }
        default: out += e;  // \" \\ \/
      }
    }
    if (i_ >= s_.size()) return fail(), out;
    i_++;
    return out;
  }

  const std::string& s_;
  size_t i_ = 0;
};

bool read_file(const std::string& path, std::string* out) {
  FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return false;
  char buf[65536];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out->append(buf, n);
  std::fclose(f);
  return true;
}

bool family_code(const std::string& name, turbotoken::Family* out) {
  if (name == "gpt2") *out = turbotoken::Family::kGpt2;
  else if (name == "cl100k") *out = turbotoken::Family::kCl100k;
  else if (name == "o200k") *out = turbotoken::Family::kO200k;
  else return false;
  return true;
}

}  // namespace

std::string data_dir() {
  const char* env = std::getenv("TURBOTOKEN_DATA");
  if (env && *env) return env;
  return std::string(TURBOTOKEN_SOURCE_DIR) + "/data";
}

bool load_all_encodings(std::vector<LoadedEncoding>* out, std::string* error) {
  const std::string dir = data_dir();
  std::string text;
  if (!read_file(dir + "/encodings.json", &text)) return *error = "cannot read " + dir + "/encodings.json", false;
  Reader reader(text);
  Json root = reader.value();
  const Json* encodings = root.get("encodings");
  if (!reader.ok || !encodings) return *error = "encodings.json: not the expected JSON", false;
  std::map<std::string, std::string> blobs;  // ranks file -> contents, shared between encodings
  for (const auto& member : encodings->members) {
    const Json& e = member.second;
    const Json* ranks = e.get("ranks");
    const Json* family = e.get("family");
    const Json* specials = e.get("specialTokens");
    turbotoken::EncodingSpec spec;
    if (!ranks || !family || !specials || !family_code(family->text, &spec.family))
      return *error = member.first + ": missing ranks, family or specialTokens", false;
    std::string& blob = blobs[ranks->text];
    if (blob.empty() && !read_file(dir + "/" + ranks->text, &blob))
      return *error = "cannot read " + ranks->text, false;
    spec.vocab_blob = reinterpret_cast<const uint8_t*>(blob.data());
    spec.vocab_size = blob.size();
    for (const auto& s : specials->members) spec.specials.push_back({s.first, uint32_t(s.second.number)});
    LoadedEncoding loaded{member.first, nullptr};
    turbotoken::Status st = turbotoken::Encoding::create(spec, &loaded.encoding);
    if (st != turbotoken::Status::kOk)
      return *error = member.first + ": " + turbotoken::status_name(st), false;
    out->push_back(std::move(loaded));
  }
  return true;
}

std::vector<LoadedEncoding>* load_all_encodings_or_exit(const char* target) {
  auto* encodings = new std::vector<LoadedEncoding>();
  std::string error;
  if (!load_all_encodings(encodings, &error)) {
    std::fprintf(stderr, "%s: %s\n", target, error.c_str());
    std::exit(2);
  }
  return encodings;
}

}  // namespace turbotoken_fuzz
