#include "engine/decide/decision_codec.h"

#include "engine/common/bytes.h"

namespace hw::decide {

namespace {
constexpr uint32_t kMagic = 0x31444857;  // "WHD1"
}  // namespace

void EncodeDecision(const Decision& d, std::string* out) {
  out->clear();
  ByteWriter w(out);
  w.Put(kMagic);
  w.Put(d.id);
  w.Put(static_cast<uint8_t>(d.origin));
  w.PutString(d.account);
  w.Put(static_cast<uint8_t>(d.action));
  w.Put(d.throttle.requests);
  w.Put(d.throttle.tokens);
  w.Put(d.throttle.window);
  w.Put(d.start);
  w.Put(d.until);
  w.PutString(d.profile);
  w.PutString(d.reason);
  w.Put(static_cast<uint8_t>(d.simulated));
  w.Put(d.repeat);
  w.Put(static_cast<uint8_t>(d.active));
  w.Put(d.ended);
}

Status DecodeDecision(std::string_view bytes, Decision* d) {
  ByteReader r(bytes);
  uint32_t magic = 0;
  uint8_t origin = 0, action = 0, simulated = 0, active = 0;
  r.Get(&magic);
  r.Get(&d->id);
  r.Get(&origin);
  r.GetString(&d->account);
  r.Get(&action);
  r.Get(&d->throttle.requests);
  r.Get(&d->throttle.tokens);
  r.Get(&d->throttle.window);
  r.Get(&d->start);
  r.Get(&d->until);
  r.GetString(&d->profile);
  r.GetString(&d->reason);
  r.Get(&simulated);
  r.Get(&d->repeat);
  r.Get(&active);
  r.Get(&d->ended);
  if (!r.done() || magic != kMagic) return {ErrorCode::kParseError, "not a decision record"};
  if (origin > static_cast<uint8_t>(Origin::kManual) ||
      action > static_cast<uint8_t>(Action::kSuspend) || simulated > 1 || active > 1) {
    return {ErrorCode::kParseError, "decision record with an unknown origin, action or flag"};
  }
  d->origin = static_cast<Origin>(origin);
  d->action = static_cast<Action>(action);
  d->simulated = simulated != 0;
  d->active = active != 0;
  return Status::Ok();
}

}  // namespace hw::decide
