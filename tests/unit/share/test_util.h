// A small hand-written analyze result for the share tests: two attack
// campaigns (one network shared by both), a benign linked group and a loose
// account.
#pragma once

#include <string>

namespace hw::share::testing {

inline const char kCampaignsJson[] = R"json({
 "policy": "test-policy",
 "campaigns": [
  {
   "id": "C001", "verdict": "attack", "score": 0.93, "accounts": 3, "interactions": 1200,
   "first_seen": "2026-04-22T00:00:00Z", "last_seen": "2026-04-23T12:00:00.5Z",
   "capabilities": {"software_engineering": 0.6, "math_reasoning": 0.3, "creative_writing": 0.004},
   "elicitation_frames": {"reasoning_extraction": 0.5},
   "indicators": {
    "payment_fingerprints": [{"value": "pm_secret01", "accounts": 3}],
    "organizations": [],
    "email_domains": [{"value": "mailer.example", "accounts": 3}],
    "networks": [{"cidr": "203.0.113.0/24", "accounts": 3}, {"cidr": "2001:db8:1::/48", "accounts": 2}],
    "addresses": [{"value": "203.0.113.7", "accounts": 2, "requests": 700,
                   "first_seen": "2026-04-22T01:00:00Z", "last_seen": "2026-04-23T01:00:00Z"}],
    "template_fingerprints": [{"value": "tpl_9f2c4e1a0b7d3366", "accounts": 3, "requests": 900}],
    "linked_by": ["shared prompt templates (2 of 2 links)", "shared networks (/24, /48) (2 of 2 links)"],
    "template_similarity": 0.5, "synchrony": 0.7
   },
   "features": {"size": 3},
   "reasons": ["100% of accounts openly belong to declared organisations such as org_secret"],
   "account_ids": ["acct_a1", "acct_a2", "acct_a3"]
  },
  {
   "id": "C002", "verdict": "attack", "score": 0.71, "accounts": 2, "interactions": 300,
   "first_seen": "2026-04-21T00:00:00Z", "last_seen": "2026-04-22T00:00:00Z",
   "indicators": {"networks": [{"cidr": "203.0.113.0/24", "accounts": 1}]},
   "account_ids": ["acct_b2", "acct_b1"]
  },
  {
   "id": "C003", "verdict": "benign", "score": 0.2, "accounts": 2, "interactions": 50,
   "first_seen": "2026-04-21T00:00:00Z", "last_seen": "2026-04-22T00:00:00Z",
   "indicators": {"networks": [{"cidr": "198.51.100.0/24", "accounts": 2}]},
   "account_ids": ["acct_c1", "acct_c2"]
  }
 ]
}
)json";

inline const char kAccountsJsonl[] =
    R"json({"user.id":"acct_a1","score":0.9,"verdict":"attack","campaign":"C001","reasons":["x"],"requests":400,"first_seen":"2026-04-22T00:00:00Z","last_seen":"2026-04-23T00:00:00Z","features":{}}
{"user.id":"acct_a2","score":0.9,"verdict":"attack","campaign":"C001","reasons":[],"requests":400,"first_seen":"2026-04-22T00:10:00Z","last_seen":"2026-04-23T12:00:00.5Z"}
{"user.id":"acct_a3","score":0.3,"verdict":"suspicious","campaign":"C001","reasons":[],"requests":400,"first_seen":"2026-04-22T00:20:00Z","last_seen":"2026-04-23T00:00:00Z"}
{"user.id":"acct_b1","score":0.8,"verdict":"attack","campaign":"C002","reasons":[],"requests":150,"first_seen":"2026-04-21T00:00:00Z","last_seen":"2026-04-22T00:00:00Z"}
{"user.id":"acct_b2","score":0.8,"verdict":"attack","campaign":"C002","reasons":[],"requests":150,"first_seen":"2026-04-21T00:00:00Z","last_seen":"2026-04-22T00:00:00Z"}
{"user.id":"acct_c1","score":0.2,"verdict":"benign","campaign":"C003","reasons":[],"requests":25,"first_seen":"2026-04-21T00:00:00Z","last_seen":"2026-04-22T00:00:00Z"}

{"user.id":"acct_c2","score":0.2,"verdict":"benign","campaign":"C003","reasons":[],"requests":25,"first_seen":"2026-04-21T00:00:00Z","last_seen":"2026-04-22T00:00:00Z"}
{"user.id":"acct_z","score":0.1,"verdict":"benign","campaign":null,"reasons":[],"requests":0,"first_seen":null,"last_seen":null}
)json";

}  // namespace hw::share::testing
