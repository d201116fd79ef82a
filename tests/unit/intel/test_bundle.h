// A partner bundle for the intel tests, in the shapes hydrawatch exports
// (docs/SHARING.md) plus plain STIX indicators and patterns outside the
// supported subset.
#pragma once

namespace hw::intel::testing {

// The shared user-account is "acct_a1" hashed with the salt "s3cret":
// printf '%s%s' s3cret acct_a1 | sha256sum.
inline constexpr char kSalt[] = "s3cret";

inline constexpr char kBundlePrefix[] =
    R"json({"type":"bundle","id":"bundle--5d0092c5-5f74-4287-9642-33f4c354e56d","objects":[
{"type":"identity","spec_version":"2.1","id":"identity--2ae13d92-60fa-5a36-90dd-04007a44b3f6","name":"hydrawatch project","identity_class":"organization"},
{"type":"identity","spec_version":"2.1","id":"identity--11111111-1111-4111-8111-111111111111","name":"Acme AI","identity_class":"organization"},
{"type":"campaign","spec_version":"2.1","id":"campaign--22222222-2222-4222-8222-222222222222","created_by_ref":"identity--11111111-1111-4111-8111-111111111111","name":"Acme AI distillation campaign C001 (2026-04-22)","first_seen":"2026-04-22T00:00:00Z"},
{"type":"infrastructure","spec_version":"2.1","id":"infrastructure--33333333-3333-4333-8333-333333333333","name":"Account network"},
{"type":"relationship","spec_version":"2.1","id":"relationship--44444444-4444-4444-8444-444444444401","relationship_type":"uses","source_ref":"campaign--22222222-2222-4222-8222-222222222222","target_ref":"infrastructure--33333333-3333-4333-8333-333333333333"},
{"type":"indicator","spec_version":"2.1","id":"indicator--55555555-5555-4555-8555-555555555501","created_by_ref":"identity--11111111-1111-4111-8111-111111111111","pattern":"[ipv4-addr:value ISSUBSET '203.0.113.0/24']","pattern_type":"stix","valid_from":"2026-04-22T00:00:00.000Z"},
{"type":"indicator","spec_version":"2.1","id":"indicator--55555555-5555-4555-8555-555555555502","pattern":"[ipv6-addr:value ISSUBSET '2001:db8:1::/48']","pattern_type":"stix","valid_from":"2026-04-22T00:00:00Z"},
{"type":"indicator","spec_version":"2.1","id":"indicator--55555555-5555-4555-8555-555555555503","pattern":"[llm-prompt-template:fingerprint = 'tpl_9f2c4e1a0b7d3366']","pattern_type":"stix","valid_from":"2026-04-22T00:00:00Z"},
{"type":"indicator","spec_version":"2.1","id":"indicator--55555555-5555-4555-8555-555555555504","pattern":"[ipv4-addr:value = '198.51.100.7'] OR [ipv4-addr:value = '192.0.2.0/25' OR ipv6-addr:value = '2001:db8:9::1']","pattern_type":"stix","valid_from":"2026-04-22T00:00:00Z","valid_until":"2026-05-01T00:00:00Z"},
{"type":"relationship","spec_version":"2.1","id":"relationship--44444444-4444-4444-8444-444444444402","relationship_type":"indicates","source_ref":"indicator--55555555-5555-4555-8555-555555555501","target_ref":"campaign--22222222-2222-4222-8222-222222222222"},
{"type":"relationship","spec_version":"2.1","id":"relationship--44444444-4444-4444-8444-444444444403","relationship_type":"indicates","source_ref":"indicator--55555555-5555-4555-8555-555555555503","target_ref":"campaign--22222222-2222-4222-8222-222222222222"},
{"type":"user-account","spec_version":"2.1","id":"user-account--66666666-6666-5666-8666-666666666601","user_id":"c108f13652c39382a3eafe676c28eb15979f4fafbff01f6bfac0a9158dbfdc65"},
{"type":"relationship","spec_version":"2.1","id":"relationship--44444444-4444-4444-8444-444444444404","relationship_type":"consists-of","source_ref":"infrastructure--33333333-3333-4333-8333-333333333333","target_ref":"user-account--66666666-6666-5666-8666-666666666601"},
{"type":"indicator","spec_version":"2.1","id":"indicator--55555555-5555-4555-8555-555555555505","pattern":"[ipv4-addr:value = '203.0.113.1' AND ipv4-addr:value = '203.0.113.2']","pattern_type":"stix","valid_from":"2026-04-22T00:00:00Z"},
{"type":"indicator","spec_version":"2.1","id":"indicator--55555555-5555-4555-8555-555555555506","pattern":"[ipv4-addr:value = '203.0.113.9'] WITHIN 300 SECONDS","pattern_type":"stix","valid_from":"2026-04-22T00:00:00Z"},
{"type":"indicator","spec_version":"2.1","id":"indicator--55555555-5555-4555-8555-555555555507","pattern":"[file:hashes.MD5 = 'd41d8cd98f00b204e9800998ecf8427e']","pattern_type":"stix","valid_from":"2026-04-22T00:00:00Z"},
{"type":"indicator","spec_version":"2.1","id":"indicator--55555555-5555-4555-8555-555555555508","pattern":"alert tcp any any -> any any","pattern_type":"snort","valid_from":"2026-04-22T00:00:00Z"},
{"type":"indicator","spec_version":"2.1","id":"indicator--55555555-5555-4555-8555-555555555509","pattern":"[ipv4-addr:value = '203.0.113.300']","pattern_type":"stix","valid_from":"2026-04-22T00:00:00Z"},
{"type":"indicator","spec_version":"2.1","id":"indicator--55555555-5555-4555-8555-555555555510","pattern":"[ipv4-addr:value = '203.0.113.8']","pattern_type":"stix","valid_from":"2026-04-22T00:00:00Z","revoked":true},
{"type":"user-account","spec_version":"2.1","id":"user-account--66666666-6666-5666-8666-666666666602","user_id":"raw_account_id"},
{"type":"marking-definition","spec_version":"2.1","id":"marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421","created":"2022-10-01T00:00:00.000Z","extensions":{"x":{"tlp_2_0":"amber"}}})json";

inline constexpr char kBundleSuffix[] = "\n]}\n";

}  // namespace hw::intel::testing
