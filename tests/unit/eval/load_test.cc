// File-level tests: loaders, Evaluate, error messages with file:line, and
// the output formats.
#include <gtest/gtest.h>
#include <simdjson.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "engine/common/output_file.h"
#include "engine/eval/eval.h"

namespace hw::eval {
namespace {

namespace fs = std::filesystem;

class EvalFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ =
        fs::temp_directory_path() / ("hw_eval_" + std::to_string(::getpid()) + "_" + info->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "result");
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string Write(const std::string& rel, const std::string& text) {
    const fs::path p = dir_ / rel;
    std::ofstream(p, std::ios::binary) << text;
    return p.string();
  }
  std::string Path(const std::string& rel) const { return (dir_ / rel).string(); }
  std::string ResultDir() const { return (dir_ / "result").string(); }

  fs::path dir_;
};

const char kLabels[] =
    R"({"user.id":"a1","label":"attack","persona":"distillation","campaign":"c1","requests":100,"first_seen":"2025-03-01T09:00:00Z","last_seen":"2025-03-02T09:00:00Z"}
{"user.id":"a2","label":"attack","persona":"distillation","campaign":"c1","requests":50,"first_seen":"2025-03-01T10:00:00Z","last_seen":"2025-03-02T09:00:00Z","extra":[1,2]}
{"user.id":"a3","label":"attack","persona":"distillation","campaign":"c1","requests":0,"first_seen":null,"last_seen":null}
{"user.id":"b1","label":"benign","persona":"enterprise_batch","campaign":null,"requests":10,"first_seen":"2025-03-01T00:00:00Z","last_seen":"2025-03-01T01:00:00Z"}

{"user.id":"b2","label":"benign","persona":"enterprise_batch","campaign":null,"requests":10,"first_seen":"2025-03-01T00:00:00Z","last_seen":"2025-03-01T01:00:00Z"}
{"user.id":"b3","label":"benign","persona":"student","campaign":null,"requests":3,"first_seen":"2025-03-01T00:00:00Z","last_seen":"2025-03-01T01:00:00Z"}
)";

const char kAccounts[] =
    R"({"user.id":"a1","score":0.97,"verdict":"attack","campaign":"p1","reasons":["x"],"first_flagged":"2025-03-01T11:00:00Z","requests_before_flag":40}
{"user.id":"a2","score":0.91,"verdict":"attack","campaign":"p1","reasons":[]}
{"user.id":"b1","score":0.2,"verdict":"benign","campaign":null,"reasons":[]}
{"user.id":"b3","score":0.6,"verdict":"suspicious","campaign":null,"reasons":[],"first_flagged":null}
{"user.id":"zz","score":0.95,"verdict":"attack","campaign":"p1","reasons":[]}
)";

// Pretty-printed, with "accounts" as a list of ids.
const char kCampaigns[] = R"({
  "policy": "default",
  "campaigns": [
    {
      "id": "p1",
      "accounts": ["a1", "a2", "zz"],
      "interactions": 150,
      "capabilities": {"coding": 0.5, "math": 0.5},
      "indicators": {"networks": [{"cidr": "10.0.0.0/24", "accounts": 3}]},
      "score": 0.93,
      "first_detection": "2025-03-01T10:30:00Z",
      "requests_before_detection": 35
    },
    {"id": "p2", "accounts": 4, "first_detection": null}
  ]
}
)";

TEST_F(EvalFiles, EvaluateEndToEnd) {
  const std::string labels = Write("labels.jsonl", kLabels);
  Write("result/accounts.jsonl", kAccounts);
  Write("result/campaigns.json", kCampaigns);
  auto r = Evaluate(labels, ResultDir());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  // Labels: 6 accounts (3 attack, 3 benign), 5 active, a3 inactive.
  EXPECT_EQ(r->labelled, 6);
  EXPECT_EQ(r->labelled_attack, 3);
  EXPECT_EQ(r->active, 5);
  EXPECT_EQ(r->inactive, 1);
  // Result: 5 rows, zz unlabelled; b2 (active) missing.
  EXPECT_EQ(r->predicted_accounts, 5);
  EXPECT_EQ(r->predicted_campaigns, 2);
  EXPECT_EQ(r->unlabelled, 1);
  EXPECT_EQ(r->missing_active, 1);
  EXPECT_EQ(r->missing_active_attack, 0);
  EXPECT_TRUE(r->detection_times);
  const AccountMetrics& a = r->attack.accounts;
  EXPECT_EQ(a.tp, 2);
  EXPECT_EQ(a.fp, 0);
  EXPECT_EQ(a.fn, 0);
  EXPECT_EQ(a.tn, 3);
  ASSERT_EQ(r->attack.campaigns.size(), 1u);
  const CampaignMetrics& c1 = r->attack.campaigns[0];
  EXPECT_EQ(c1.accounts, 3);
  EXPECT_EQ(c1.active, 2);
  EXPECT_EQ(*c1.completeness, 1.0);
  EXPECT_EQ(*c1.purity, 1.0);  // zz is unlabelled
  // c1 starts 09:00; p1 detected at 10:30 (before a1's own flag at 11:00).
  EXPECT_EQ(*c1.time_to_detection, 90 * kUsPerMinute);
  // a1 carries 40; p1's 35 is not added since its accounts carry counts.
  EXPECT_EQ(*c1.requests_before_detection, 40);
  ASSERT_EQ(r->attack.personas.size(), 2u);
  EXPECT_EQ(r->attack.personas[0].name, "enterprise_batch");
  EXPECT_EQ(r->attack.personas[0].active, 2);
  EXPECT_EQ(*r->attack.personas[1].fpr, 0.0);
  EXPECT_EQ(*r->attack_or_suspicious.personas[1].fpr, 1.0);  // b3 suspicious

  // eval.json is valid JSON, deterministic, with the documented keys.
  const std::string json = ToJson(*r);
  EXPECT_EQ(json, ToJson(*r));
  ASSERT_EQ(json.back(), '\n');
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  ASSERT_FALSE(parser.parse(json).get(doc));
  // Every bar passes with attack as positive; b3 fails "student" only when
  // suspicious counts.
  EXPECT_EQ(bool(doc["pass"]), true);
  EXPECT_EQ(bool(doc["views"]["attack_or_suspicious"]["pass"]), false);
  EXPECT_EQ(int64_t(doc["labels"]["inactive"]), 1);
  EXPECT_EQ(int64_t(doc["result"]["unlabelled"]), 1);
  EXPECT_EQ(double(doc["targets"]["persona_fpr"]), 0.001);
  simdjson::dom::element view = doc["views"]["attack"];
  EXPECT_EQ(double(view["accounts"]["precision"]), 1.0);
  EXPECT_EQ(std::string_view(view["campaigns"].at(0)["first_detection"]), "2025-03-01T10:30:00Z");
  EXPECT_EQ(double(view["campaigns"].at(0)["time_to_detection_s"]), 5400.0);
  EXPECT_EQ(std::string_view(view["bars"].at(0)["name"]), "precision");
  EXPECT_TRUE(doc["views"]["attack_or_suspicious"]["personas"].at(1)["fpr"].is_double());

  const std::string table = FormatTable(*r);
  EXPECT_NE(table.find("precision 1.0000  recall 1.0000"), std::string::npos) << table;
  EXPECT_NE(table.find("1h30m"), std::string::npos) << table;
  EXPECT_NE(table.find("enterprise_batch"), std::string::npos);
  EXPECT_NE(table.find("verdict on the bars"), std::string::npos);
}

TEST_F(EvalFiles, CampaignsFileIsOptional) {
  const std::string labels = Write("labels.jsonl", kLabels);
  Write("result/accounts.jsonl", kAccounts);
  auto r = Evaluate(labels, ResultDir() + "/");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->predicted_campaigns, 0);
  // Only a1's own flag (11:00) remains: 2 hours after 09:00.
  EXPECT_EQ(*r->attack.campaigns[0].time_to_detection, 2 * kUsPerHour);
}

TEST_F(EvalFiles, MissingAccountsFileIsAnIoError) {
  const std::string labels = Write("labels.jsonl", kLabels);
  auto r = Evaluate(labels, ResultDir());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kIoError);
  EXPECT_NE(r.status().message().find("accounts.jsonl: cannot open"), std::string::npos)
      << r.status().message();
}

TEST_F(EvalFiles, CompressedLabels) {
  const std::string gz = Path("labels.jsonl.gz");
  ASSERT_TRUE(WriteFile(gz, kLabels).ok());
  const std::string zst = Path("labels.jsonl.zst");
  ASSERT_TRUE(WriteFile(zst, kLabels).ok());
  auto plain = LoadLabels(Write("labels.jsonl", kLabels));
  ASSERT_TRUE(plain.ok());
  for (const std::string& p : {gz, zst}) {
    auto rows = LoadLabels(p);
    ASSERT_TRUE(rows.ok()) << rows.status().ToString();
    ASSERT_EQ(rows->size(), plain->size());
    EXPECT_EQ((*rows)[5].persona, "student");
  }
}

TEST_F(EvalFiles, LabelsParsed) {
  auto rows = LoadLabels(Write("labels.jsonl", kLabels));
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  ASSERT_EQ(rows->size(), 6u);  // the blank line is skipped
  const LabelRow& a1 = (*rows)[0];
  EXPECT_EQ(a1.user_id, "a1");
  EXPECT_TRUE(a1.attack);
  EXPECT_EQ(a1.campaign, "c1");
  EXPECT_EQ(a1.requests, 100);
  EXPECT_EQ(*a1.first_seen, *ParseRfc3339("2025-03-01T09:00:00Z"));
  EXPECT_FALSE((*rows)[2].first_seen.has_value());
  EXPECT_FALSE((*rows)[3].attack);
  EXPECT_TRUE((*rows)[3].campaign.empty());
}

struct BadCase {
  const char* text;
  const char* error;  // expected message after "<path>:"
};

void ExpectError(const Status& s, const std::string& path, const std::string& tail) {
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), ErrorCode::kParseError);
  EXPECT_EQ(s.message(), path + ":" + tail);
}

TEST_F(EvalFiles, MalformedAccounts) {
  const std::string ok_line =
      R"({"user.id":"a1","score":0.5,"verdict":"attack","campaign":null,"reasons":[]})"
      "\n";
  const BadCase cases[] = {
      {R"({"user.id":"a2","score":0.5,"verdict":"maybe","campaign":null})",
       "3: \"verdict\": expected one of attack|suspicious|benign"},
      {R"({"score":0.5,"verdict":"attack"})", "3: \"user.id\": missing"},
      {R"({"user.id":"","score":0.5,"verdict":"attack"})",
       "3: \"user.id\": expected a non-empty string"},
      {R"({"user.id":"a2","score":1.5,"verdict":"attack"})",
       "3: \"score\": expected a number in [0, 1]"},
      {R"({"user.id":"a2","score":"high","verdict":"attack"})",
       "3: \"score\": expected a number in [0, 1]"},
      {R"({"user.id":"a2","score":0.5,"verdict":"attack","campaign":7})",
       "3: \"campaign\": expected a non-empty string"},
      {R"({"user.id":"a2","score":0.5,"verdict":"attack","first_flagged":"yesterday"})",
       "3: \"first_flagged\": expected an RFC 3339 time or null"},
      {R"({"user.id":"a2","score":0.5,"verdict":"attack","requests_before_flag":-1})",
       "3: \"requests_before_flag\": expected a non-negative integer"},
      {R"({"user.id":"a1","score":0.5,"verdict":"attack"})",
       "3: \"user.id\": duplicate account \"a1\" (first on line 1)"},
      {R"(["a2"])", "3: expected a JSON object"},
      {R"({"user.id":"a2","score":0.5,)", "3: invalid JSON: "},
  };
  for (const BadCase& c : cases) {
    const std::string path = Write("result/accounts.jsonl", ok_line + "\n" + c.text + "\n");
    auto r = LoadAccounts(path);
    ASSERT_FALSE(r.ok()) << c.text;
    const std::string want = path + ":" + c.error;
    EXPECT_EQ(r.status().message().substr(0, want.size()), want) << c.text;
    EXPECT_EQ(r.status().code(), ErrorCode::kParseError);
  }
  // Through Evaluate the path names the result dir.
  Write("result/accounts.jsonl", ok_line + "\n" + cases[0].text + "\n");
  auto e = Evaluate(Write("labels.jsonl", kLabels), ResultDir());
  ExpectError(e.status(), ResultDir() + "/accounts.jsonl",
              "3: \"verdict\": expected one of attack|suspicious|benign");
}

TEST_F(EvalFiles, MalformedLabels) {
  const BadCase cases[] = {
      {R"({"user.id":"x","label":"evil","persona":"p","campaign":null,"requests":1})",
       "2: \"label\": expected one of attack|benign"},
      {R"({"user.id":"x","label":"attack","persona":"distillation","campaign":null,"requests":1})",
       "2: \"campaign\": an attack account needs a campaign id"},
      {R"({"user.id":"x","label":"benign","persona":"dev","campaign":"c1","requests":1})",
       "2: \"campaign\": expected null for a benign account"},
      {R"({"user.id":"x","label":"benign","persona":"dev","campaign":null})",
       "2: \"requests\": missing"},
      {R"({"user.id":"x","label":"benign","persona":"dev","campaign":null,"requests":1.5})",
       "2: \"requests\": expected a non-negative integer"},
      {R"({"user.id":"x","label":"benign","campaign":null,"requests":1})",
       "2: \"persona\": missing"},
      {R"({"user.id":"x","label":"benign","persona":"dev","requests":1,"first_seen":5})",
       "2: \"first_seen\": expected an RFC 3339 time or null"},
      {R"({"user.id":"b1","label":"benign","persona":"dev","requests":1})",
       "2: \"user.id\": duplicate account \"b1\" (first on line 1)"},
      {R"(not json)", "2: invalid JSON: "},
  };
  const std::string first =
      R"({"user.id":"b1","label":"benign","persona":"dev","campaign":null,"requests":2})"
      "\n";
  for (const BadCase& c : cases) {
    const std::string path = Write("labels.jsonl", first + c.text + "\n");
    auto r = LoadLabels(path);
    ASSERT_FALSE(r.ok()) << c.text;
    const std::string want = path + ":" + c.error;
    EXPECT_EQ(r.status().message().substr(0, want.size()), want) << c.text;
  }
}

TEST_F(EvalFiles, MalformedCampaigns) {
  const BadCase cases[] = {
      // A bad value names its own line.
      {"{\n  \"campaigns\": [\n    {\"id\": \"p1\",\n     \"first_detection\": \"soon\"}\n  ]\n}\n",
       "4: \"first_detection\": expected an RFC 3339 time or null"},
      {"{\"campaigns\": [\n{\"id\": \"p1\"},\n{\"accounts\": 3}\n]}\n", "3: \"id\": missing"},
      {"{\"campaigns\": [\n{\"id\": \"p1\"},\n{\"id\": \"p1\"}\n]}\n",
       "3: \"id\": duplicate campaign \"p1\" (first on line 2)"},
      {"{\"campaigns\": [\n{\"id\": \"p1\",\n\"accounts\": -2}]}\n",
       "3: \"accounts\": expected a non-negative integer or an array of account ids"},
      {"{\"campaigns\": [\n{\"id\": \"p1\",\n\"accounts\": [\"a\", 3]}]}\n",
       "3: \"accounts\": expected an array of account ids"},
      {"{\"campaigns\": [\n{\"id\": \"p1\",\n\"requests_before_detection\": \"many\"}]}\n",
       "3: \"requests_before_detection\": expected a non-negative integer"},
      {"{\"campaigns\": {}}\n", "1: \"campaigns\": expected an array"},
      {"{\"campaigns\": [\n1]}\n", "2: \"campaigns\": expected an array of objects"},
      {"{\"policy\": \"x\"}\n", "1: \"campaigns\": missing"},
      {"[]\n", "1: expected a JSON object"},
      // Syntax errors inside values the loader does not use are still found.
      {"{\"campaigns\": [\n{\"id\": \"p1\",\n\"indicators\": {\"a\" 1}}]}\n", "3: invalid JSON: "},
      {"{\"campaigns\": []}\n\n{}\n", "3: invalid JSON: trailing content"},
      // A bad literal where null could start: an error, not an exception.
      {"{\"x\":ns,\"campaigns\": []}\n", "1: invalid JSON: "},
  };
  for (const BadCase& c : cases) {
    const std::string path = Write("result/campaigns.json", c.text);
    auto r = LoadCampaigns(path);
    ASSERT_FALSE(r.ok()) << c.text;
    const std::string want = path + ":" + c.error;
    EXPECT_EQ(r.status().message().substr(0, want.size()), want) << c.text;
    EXPECT_EQ(r.status().code(), ErrorCode::kParseError);
  }
}

TEST_F(EvalFiles, CampaignsParsed) {
  auto r = LoadCampaigns(Write("result/campaigns.json", kCampaigns));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->size(), 2u);
  const PredCampaign& p1 = (*r)[0];
  EXPECT_EQ(p1.id, "p1");
  EXPECT_EQ(p1.accounts, 3);
  ASSERT_EQ(p1.account_ids.size(), 3u);
  EXPECT_EQ(p1.account_ids[2], "zz");
  EXPECT_EQ(*p1.first_detection, *ParseRfc3339("2025-03-01T10:30:00Z"));
  EXPECT_EQ(*p1.requests_before_detection, 35);
  const PredCampaign& p2 = (*r)[1];
  EXPECT_EQ(p2.accounts, 4);
  EXPECT_FALSE(p2.first_detection.has_value());
  EXPECT_FALSE(p2.requests_before_detection.has_value());
  // The analyzer's own shape: a count plus "account_ids", on one line.
  auto one = LoadCampaigns(Write(
      "result/campaigns.json",
      R"({"policy":"default","campaigns":[{"id":"c1","verdict":"attack","accounts":2,"account_ids":["u1","u2"],"linked_by":["x"]}]})"
      "\n"));
  ASSERT_TRUE(one.ok()) << one.status().ToString();
  EXPECT_EQ((*one)[0].accounts, 2);
  EXPECT_EQ((*one)[0].account_ids.size(), 2u);
}

}  // namespace
}  // namespace hw::eval
