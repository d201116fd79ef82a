#include "engine/common/json_walk.h"

#include <algorithm>
#include <string_view>

namespace hw {

namespace od = simdjson::ondemand;

JsonLineIndex::JsonLineIndex(const simdjson::padded_string& text) : data_(text.data()) {
  for (size_t i = 0; i < text.size(); ++i) {
    if (text.data()[i] == '\n') newlines_.push_back(i);
  }
}

uint64_t JsonLineIndex::LineOf(const char* p) const {
  if (p < data_) return 1;
  const size_t off = static_cast<size_t>(p - data_);
  return 1 + static_cast<uint64_t>(std::lower_bound(newlines_.begin(), newlines_.end(), off) -
                                   newlines_.begin());
}

simdjson::error_code WalkJson(od::value v, int depth) {
  if (depth > 256) return simdjson::DEPTH_ERROR;
  od::json_type type;
  if (auto err = v.type().get(type)) return err;
  switch (type) {
    case od::json_type::object: {
      od::object obj;
      if (auto err = v.get_object().get(obj)) return err;
      for (auto f : obj) {
        od::field field;
        if (auto err = std::move(f).get(field)) return err;
        std::string_view key;
        if (auto err = field.unescaped_key().get(key)) return err;
        if (auto err = WalkJson(field.value(), depth + 1)) return err;
      }
      return simdjson::SUCCESS;
    }
    case od::json_type::array: {
      od::array arr;
      if (auto err = v.get_array().get(arr)) return err;
      for (auto e : arr) {
        od::value ev;
        if (auto err = std::move(e).get(ev)) return err;
        if (auto err = WalkJson(ev, depth + 1)) return err;
      }
      return simdjson::SUCCESS;
    }
    case od::json_type::string: {
      std::string_view s;
      return v.get_string().get(s);
    }
    case od::json_type::number: {
      double d;
      return v.get_double().get(d);
    }
    case od::json_type::boolean: {
      bool b;
      return v.get_bool().get(b);
    }
    case od::json_type::null: {
      // type() looks at the first byte only: "nul" or "ns" still say null;
      // through get() so that a bad literal is an error, not an exception.
      bool is_null = false;
      if (auto err = v.is_null().get(is_null)) return err;
      return is_null ? simdjson::SUCCESS : simdjson::INCORRECT_TYPE;
    }
  }
  return simdjson::INCORRECT_TYPE;
}

Status JsonDocReader::Syntax(simdjson::error_code err) {
  const char* where = nullptr;
  uint64_t line = last_line_;
  if (!doc_.current_location().get(where)) line = lines_.LineOf(where);
  return Status(ErrorCode::kParseError, path_ + ":" + std::to_string(line) +
                                            ": invalid JSON: " + simdjson::error_message(err));
}

Status JsonDocReader::Bad(uint64_t line, const std::string& where,
                          const std::string& reason) const {
  return Status(ErrorCode::kParseError,
                path_ + ":" + std::to_string(line) + ": " + where + ": " + reason);
}

Status JsonDocReader::Expected(simdjson::error_code err, uint64_t line, const std::string& where,
                               const std::string& what) {
  if (err == simdjson::INCORRECT_TYPE || err == simdjson::NUMBER_ERROR ||
      err == simdjson::NUMBER_OUT_OF_RANGE) {
    return Bad(line, where, "expected " + what);
  }
  return Syntax(err);
}

Status JsonDocReader::ForEachElement(od::value& v, std::string_view key, bool& seen,
                                     const ElementFn& fn) {
  const std::string name(key);
  if (seen) return Bad(Line(v), name, "duplicate key");
  seen = true;
  const uint64_t line = Line(v);
  od::array list;
  if (auto err = v.get_array().get(list)) return Expected(err, line, name, "an array of objects");
  size_t i = 0;
  for (auto e : list) {
    od::value ev;
    if (auto err = std::move(e).get(ev)) return Syntax(err);
    if (Status st = fn(ev, name + "[" + std::to_string(i++) + "]"); !st.ok()) return st;
  }
  return Status::Ok();
}

}  // namespace hw
