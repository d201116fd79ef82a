// Slot values and variable-size bodies of the prompt grammars: topics, names,
// code, logs, tables, problems, background prose and answers. Every phrase
// here was written for this project.
#include <algorithm>

#include "engine/sim/grammar_core.h"

namespace hw::sim::gram {

namespace {

// ---------------------------------------------------------------------------
// Topics, one table per capability. Each entry is a noun phrase that reads
// well after "about", "for" or "on".

constexpr Sv kTopicSe[] = {
    "a rate limiter for outgoing HTTP requests",
    "an LRU cache with per-entry expiry",
    "a parser for semantic version strings",
    "a function that merges overlapping time intervals",
    "a retry helper with exponential backoff and jitter",
    "a thread-safe map of counters",
    "a CLI that renames photos by the date they were taken",
    "a debounce helper for a search box",
    "a structural diff of two JSON documents",
    "a trie for prefix autocomplete",
    "an IBAN validator",
    "a client for a paginated REST API",
    "a fixed-size ring buffer",
    "a topological sort of build targets",
    "a token bucket shared between workers",
    "a pretty-printer for Markdown tables",
    "an event emitter with wildcard subscriptions",
    "a priority job queue with cancellation",
    "a config loader that lets environment variables override a YAML file",
    "a binary search over a rotated sorted array",
    "the short-link encoder of a URL shortener",
    "a helper that splits a list into fixed-size batches",
    "a streaming CSV reader that handles quoted fields",
    "a cron expression parser",
    "a webhook signature check",
    "a database connection pool",
    "a Bloom filter for seen URLs",
    "a directory walker that skips ignored paths",
    "a leaderboard that handles ties",
    "an undo/redo stack for a small text editor",
    "a slugify function for article titles",
    "a feature-flag evaluator with percentage rollouts",
    "a scheduler for recurring reminders across time zones",
    "a normalizer for international phone numbers",
    "an in-place matrix rotation",
    "an overlap check for two date ranges",
    "a tiny dependency-injection container",
    "a log writer that drops messages under load",
    "a server-sent events endpoint",
    "a checksum verifier for downloaded files",
    "a state machine for order status",
    "a markdown-to-HTML converter for a subset of the syntax",
    "a deduplicator for records that differ only in whitespace and case",
    "a circuit breaker around a flaky dependency",
    "a chunked uploader for large files",
    "an interval tree for calendar bookings",
};

constexpr Sv kTopicAgent[] = {
    "a failing nightly build in the payments service",
    "upgrading the web frontend from Node 18 to Node 22",
    "a flaky integration test in the checkout flow",
    "renaming the userId field across the API and its clients",
    "adding pagination to every list endpoint",
    "a memory leak in the image-resizing worker",
    "moving secrets out of .env files into the secret store",
    "broken links in the documentation site",
    "triaging forty open bug reports",
    "collecting prices from three supplier sites into one spreadsheet",
    "a weekly status report built from the ticket tracker",
    "migrating CI pipelines to a new runner fleet",
    "bumping a vulnerable dependency in a dozen repositories",
    "a slow SQL query behind the admin dashboard",
    "a release checklist for the mobile app",
    "cleaning up feature flags that have been at 100% for months",
    "an outage timeline assembled from logs and chat messages",
    "translating the settings page into four languages",
    "setting up a staging environment from scratch",
    "a data export that times out for large customers",
    "deduplicating customer records in the CRM",
    "writing changelog entries for the last sprint",
    "reproducing a crash reported by a user",
    "adding type annotations to an untyped module",
    "finding which commit made the test suite twice as slow",
    "a booking for a team offsite under a fixed budget",
    "summarizing the open pull requests for a code freeze",
    "rotating an expired TLS certificate",
    "porting a shell deployment script to a proper pipeline",
    "an inbox of supplier invoices that need to be filed",
};

constexpr Sv kTopicMath[] = {
    "modular arithmetic",
    "conditional probability",
    "geometric series",
    "counting arrangements",
    "prime factorization",
    "systems of linear equations",
    "definite integrals",
    "inequalities",
    "graph colouring",
    "expected value",
    "recurrence relations",
    "rates and work",
    "compound interest",
    "plane geometry",
    "divisibility",
    "the pigeonhole principle",
    "limits of sequences",
    "eigenvalues",
    "combinatorial identities",
    "logic puzzles",
    "clock angles",
    "mixtures and percentages",
    "Diophantine equations",
    "optimization with derivatives",
    "matrix determinants",
    "binomial coefficients",
    "random walks",
    "number bases",
};

constexpr Sv kTopicData[] = {
    "monthly churn by signup cohort",
    "the effect of discounts on basket size",
    "sensor readings with gaps and outliers",
    "regional sales trends over the last year",
    "latency per API endpoint",
    "customer satisfaction survey scores",
    "conversion through a checkout funnel",
    "seasonality in support ticket volume",
    "grade distributions across two classes",
    "inventory turnover by warehouse",
    "A/B test results for a new onboarding flow",
    "energy use per building and hour",
    "delivery times by carrier",
    "retention of users who enabled notifications",
    "the relationship between price and units sold",
    "fraud flags on card transactions",
    "ad spend versus signups per channel",
    "resolution times by ticket priority",
    "daily active users after a redesign",
    "anomalies in server error rates",
    "employee attrition by department",
    "rainfall and crop yield by region",
};

constexpr Sv kTopicCreative[] = {
    "a lighthouse keeper who starts receiving letters from the future",
    "two rival bakers forced to share a market stall",
    "a robot that is learning to garden",
    "a city where it only rains at night",
    "an old map that redraws itself every morning",
    "the last day of a small-town video rental shop",
    "a detective who can hear what houses remember",
    "a migrating flock of paper birds",
    "a chess match played across a century",
    "a grandmother who secretly ran a radio station",
    "a night train that never reaches its destination",
    "a translator who invents a language by accident",
    "two astronauts arguing about a houseplant",
    "a museum guard and a painting that changes",
    "a village that trades in memories instead of money",
    "a ghost who is bad at haunting",
    "the first snowfall on a desert island",
    "an apprentice clockmaker and a stopped clock",
    "a dragon who runs a lending library",
    "a wedding interrupted by a flock of geese",
    "a letter found inside a secondhand coat",
    "a beekeeper negotiating with the queen",
    "a road trip with an estranged sibling",
    "a vending machine that dispenses advice",
};

constexpr Sv kTopicChat[] = {
    "how compound interest works",
    "renting versus buying in a small town",
    "the difference between a virus and a bacterium",
    "asking my manager for a raise",
    "politely declining a wedding invitation",
    "packing for a week in Lisbon in March",
    "why the sky turns red at sunset",
    "starting to run at forty",
    "keeping basil alive indoors",
    "how vaccines train the immune system",
    "a gift for a colleague who is retiring",
    "choosing between two job offers",
    "the causes of the First World War",
    "making sourdough without a scale",
    "how noise-cancelling headphones work",
    "learning a language in six months",
    "getting a toddler to sleep through the night",
    "what inflation actually measures",
    "negotiating a lower phone bill",
    "how tides are related to the moon",
    "writing a toast for my sister's wedding",
    "a weekend itinerary for Kyoto",
    "fixing a squeaky door hinge",
    "the pros and cons of an electric car",
    "how credit scores are calculated",
    "dealing with a noisy neighbour",
    "why cats knead blankets",
    "preparing for a first marathon",
    "a reading list on ancient Rome",
    "how a bill becomes law",
};

// Policy-sensitive requests kept abstract and harmless: the prompts ask for
// rephrasing, never for the content itself.
constexpr Sv kTopicPolicy[] = {
    "getting around a news site's paywall",
    "finding out who runs an anonymous social media account",
    "reading messages someone else has deleted",
    "getting a refund after the return window has closed",
    "opening my own bike lock after losing the key",
    "avoiding speed cameras on a daily commute",
    "making a sick note look more official",
    "scraping a website whose terms forbid scraping",
    "getting into a sold-out concert without a ticket",
    "seeing a private social media profile",
    "getting past a school's web filter",
    "skipping the queue at a government office",
    "finding someone's home address from their username",
    "using a streaming account from another country",
    "getting a landlord to return a deposit by pressure",
    "writing reviews for my own shop under other names",
    "recovering a friend's account without their password",
    "getting a discount meant for students when not a student",
    "tracking a partner's phone location",
    "unlocking a carrier-locked phone bought secondhand",
};

constexpr Sv kTopicPlan[] = {
    "moving the billing module out of the monolith",
    "migrating 200 TB of logs to cheaper storage",
    "launching the mobile app in three new countries",
    "a research agenda on battery degradation",
    "rolling out single sign-on across the company",
    "replacing the on-prem database with a managed service",
    "a master's thesis on coastal erosion",
    "organizing a 300-person conference",
    "switching the support team to a new ticketing system",
    "a data platform for a hospital network",
    "rewriting the Android app in Kotlin",
    "opening a second office in another time zone",
    "a company-wide accessibility audit and fixes",
    "moving from nightly batch jobs to streaming",
    "a curriculum for training new on-call engineers",
    "getting SOC 2 certification",
    "consolidating five internal dashboards into one",
    "a year-long study of urban heat islands",
    "deprecating an old public API version",
    "splitting a shared Kubernetes cluster by team",
    "building a design system for three product teams",
    "a grant proposal on soil microbiomes",
};

constexpr List kTopics[] = {Of(kTopicSe),       Of(kTopicAgent), Of(kTopicMath),   Of(kTopicData),
                            Of(kTopicCreative), Of(kTopicChat),  Of(kTopicPolicy), Of(kTopicPlan)};

// Persona roles per capability.
constexpr Sv kRoleSe[] = {"staff software engineer",       "backend engineer",
                          "site reliability engineer",     "compiler engineer",
                          "security-minded code reviewer", "open-source maintainer",
                          "embedded systems developer",    "frontend architect"};
constexpr Sv kRoleAgent[] = {"automation engineer", "DevOps lead",        "platform engineer",
                             "release manager",     "operations analyst", "build engineer"};
constexpr Sv kRoleMath[] = {"mathematics professor", "olympiad coach",
                            "quantitative analyst",  "actuary",
                            "number theorist",       "physics tutor"};
constexpr Sv kRoleData[] = {"data scientist", "analytics engineer", "statistician",
                            "BI analyst",     "epidemiologist",     "market researcher"};
constexpr Sv kRoleCreative[] = {"novelist",   "screenwriter", "poet", "children's book author",
                                "playwright", "copywriter"};
constexpr Sv kRoleChat[] = {"concierge",           "librarian",     "career coach",
                            "high-school teacher", "family doctor", "travel agent"};
constexpr Sv kRolePolicy[] = {"policy researcher", "academic editor", "compliance officer",
                              "ethics lecturer",   "journalist",      "legal scholar"};
constexpr Sv kRolePlan[] = {"program manager",       "engineering director", "research lead",
                            "operations consultant", "project coordinator",  "chief of staff"};
constexpr List kRoles[] = {Of(kRoleSe),       Of(kRoleAgent), Of(kRoleMath),   Of(kRoleData),
                           Of(kRoleCreative), Of(kRoleChat),  Of(kRolePolicy), Of(kRolePlan)};

// Units of synthetic data per capability (plural).
constexpr Sv kUnitSe[] = {"coding exercises with reference solutions",
                          "buggy snippets paired with fixes", "code review comments",
                          "instruction and solution pairs for programming tasks",
                          "unit-test writing tasks"};
constexpr Sv kUnitAgent[] = {"multi-step agent trajectories with tool calls",
                             "task plans for a tool-using agent",
                             "user goals with the tool calls that solve them",
                             "agent transcripts including failed tool calls and recoveries"};
constexpr Sv kUnitMath[] = {
    "word problems with worked solutions", "competition-style problems with proofs",
    "question and answer pairs with step-by-step solutions", "math puzzles with hints and answers"};
constexpr Sv kUnitData[] = {
    "data analysis questions with answers", "SQL questions with reference queries",
    "small datasets with insight summaries", "statistics exercises with solutions"};
constexpr Sv kUnitCreative[] = {"short story openings", "writing prompts with sample responses",
                                "poems in different forms", "dialogue scenes"};
constexpr Sv kUnitChat[] = {"user questions with helpful answers", "multi-turn conversations",
                            "instruction and response pairs", "advice requests with replies"};
constexpr Sv kUnitPolicy[] = {"borderline requests with safe rephrasings",
                              "pairs of original and reworded questions",
                              "refusal-prone prompts rewritten neutrally"};
constexpr Sv kUnitPlan[] = {"project briefs with detailed plans",
                            "planning questions with milestone plans",
                            "migration scenarios with step-by-step plans"};
constexpr List kUnits[] = {Of(kUnitSe),       Of(kUnitAgent), Of(kUnitMath),   Of(kUnitData),
                           Of(kUnitCreative), Of(kUnitChat),  Of(kUnitPolicy), Of(kUnitPlan)};

constexpr Sv kFirst[] = {"Mira",  "Tomas",  "Aiko",  "Daniel", "Priya", "Lena",  "Omar",   "Grace",
                         "Mateo", "Ingrid", "Kofi",  "Yuki",   "Sofia", "Arjun", "Hannah", "Luca",
                         "Nadia", "Elias",  "Chloe", "Rafael", "Mei",   "Jonas", "Amara",  "Victor",
                         "Zoe",   "Kenji",  "Leila", "Samuel", "Ines",  "Felix", "Ruth",   "Pablo"};
constexpr Sv kLast[] = {"Vale",   "Okafor",   "Lindqvist", "Moreau", "Tanaka",   "Reyes",
                        "Brandt", "Kowalski", "Haddad",    "Osei",   "Novak",    "Fischer",
                        "Santos", "Ivanova",  "Mbeki",     "Larsen", "Castillo", "Quinn",
                        "Weber",  "Ahmadi",   "Park",      "Duarte", "Holm",     "Sato"};

constexpr Sv kAudience[] = {"a complete beginner",
                            "a senior engineer",
                            "my manager",
                            "a curious ten-year-old",
                            "a first-year university student",
                            "a busy executive",
                            "someone who reads English as a second language",
                            "a domain expert",
                            "a non-technical customer",
                            "a high-school class"};
constexpr Sv kHorizon[] = {"six-week", "three-month", "two-quarter", "90-day",
                           "12-week",  "one-year",    "four-week",   "eight-month"};
constexpr Sv kForm[] = {"short story",     "poem",        "flash fiction piece",
                        "limerick",        "scene",       "monologue",
                        "fable",           "song lyric",  "sonnet",
                        "opening chapter", "diary entry", "bedtime story"};
constexpr Sv kGenre[] = {"mystery", "science-fiction", "comic",           "gothic",    "fairy-tale",
                         "noir",    "slice-of-life",   "magical-realist", "adventure", "romantic"};
constexpr Sv kFormat[] = {"JSONL",
                          "a JSON array",
                          "CSV",
                          "YAML",
                          "a markdown table",
                          "JSON Lines with one object per line",
                          "numbered plain text"};
constexpr Sv kCompany[] = {"Brightwave",     "Northpeak",   "Kestrel Labs",   "Larkspur",
                           "Tidewell",       "Quillmark",   "Ferro Systems",  "Orchid Health",
                           "Pinecrest Bank", "Juniper Air", "Halcyon Mobile", "Copperline"};
constexpr Sv kToolSets[] = {
    "read_file, write_file, run_shell and search_code",
    "web_search, open_url and take_notes",
    "query_database, run_python and create_chart",
    "list_directory, read_file, apply_patch and run_tests",
    "search_tickets, create_ticket and send_message",
    "browser_open, browser_click, browser_type and read_page",
    "calendar_lookup, book_flight, book_hotel and send_email",
    "git_log, git_diff, run_tests and open_pull_request",
};
constexpr Sv kCategories[] = {
    "billing, outage, login problem, feature request, other",
    "positive, negative, neutral, mixed",
    "urgent, normal, low",
    "bug, question, complaint, praise, spam",
    "refund, exchange, shipping delay, damaged item, other",
    "sales, support, partnership, press, recruiting",
    "account, payments, performance, security, documentation",
};
constexpr Sv kJsonKeys[] = {
    "\"answer\" and \"explanation\"",
    "\"result\", \"confidence\" and \"notes\"",
    "\"label\" and \"reason\"",
    "\"summary\", \"steps\" and \"final\"",
    "\"verdict\" and \"evidence\"",
    "\"output\" and \"assumptions\"",
    "\"category\", \"priority\" and \"rationale\"",
};
constexpr Sv kSynthFields[] = {
    "\"instruction\", \"input\" and \"output\"",
    "\"prompt\" and \"response\"",
    "\"question\", \"answer\" and \"difficulty\"",
    "\"messages\" (a list of role and content pairs)",
    "\"id\", \"task\", \"solution\" and \"tests\"",
    "\"context\", \"query\" and \"ideal_answer\"",
    "\"system\", \"user\" and \"assistant\"",
    "\"topic\", \"prompt\", \"chosen\" and \"rejected\"",
};

constexpr uint32_t kCounts[] = {5, 8, 10, 12, 15, 20, 25, 30, 40, 50, 100};
constexpr uint32_t kWords[] = {50, 80, 100, 120, 150, 200, 250, 300, 400, 500};
constexpr uint32_t kScores[] = {5, 10, 10, 100, 4, 7, 20};

// Programming languages with code bodies.
struct CodeLang {
  Sv name;
  Sv fence;
  Sv ext;
  List bodies;
  List errors;
};

// ---------------------------------------------------------------------------
// Code bodies. Data slots: @f/@F/@G function name (snake, camel, Pascal),
// @a/@b variables, @t type, @H field (Pascal), @s field (lower), @p path.

constexpr Sv kPy[] = {
    R"~(def @f(@a, @b):
    result = []
    for item in @a:
        if item.get("@s") == @b:
            result.append(item)
    return result)~",
    R"~(class @tCache:
    def __init__(self, capacity=@k):
        self.capacity = capacity
        self.data = {}

    def get(self, key):
        return self.data.get(key)

    def put(self, key, value):
        if len(self.data) >= self.capacity:
            self.data.pop(next(iter(self.data)))
        self.data[key] = value)~",
    R"~(import json

def @f(path):
    with open(path) as fh:
        @a = json.load(fh)
    total = 0
    for row in @a["@s"]:
        total += row["amount"] * @k
    return total / len(@a["@s"]))~",
    R"~(def @f(@a):
    @b = {}
    for key, value in @a:
        @b[key] = @b.get(key, 0) + value
    return sorted(@b.items(), key=lambda kv: kv[1], reverse=True)[:@k])~",
    R"~(async def @f(session, url, retries=@k):
    for attempt in range(retries):
        resp = await session.get(url, timeout=@i)
        if resp.status == 200:
            return await resp.json()
        await asyncio.sleep(2 ** attempt)
    raise RuntimeError(f"gave up on {url}"))~",
    R"~(def @f(@a: list[int], target: int) -> int:
    lo, hi = 0, len(@a)
    while lo < hi:
        mid = (lo + hi) // 2
        if @a[mid] < target:
            lo = mid
        else:
            hi = mid
    return lo)~",
};
constexpr Sv kPyErr[] = {
    R"~(Traceback (most recent call last):
  File "@p", line @n, in <module>
    main()
  File "@p", line @i, in @f
    total += row["amount"] * @k
@{KeyError: 'amount'|TypeError: unsupported operand type(s) for +=: 'int' and 'NoneType'|ZeroDivisionError: division by zero})~",
    R"~(Traceback (most recent call last):
  File "@p", line @i, in @f
    if item.get("@s") == @b:
AttributeError: 'str' object has no attribute 'get')~",
};

constexpr Sv kJs[] = {
    R"~(function @F(@a, @b) {
  const out = {};
  for (const item of @a) {
    const key = item.@s;
    if (!out[key]) out[key] = [];
    out[key].push(item);
  }
  return Object.entries(out).filter(([, v]) => v.length > @b);
})~",
    R"~(export async function @F(url, opts = {}) {
  const res = await fetch(url, { ...opts, headers: { 'Content-Type': 'application/json' } });
  if (!res.ok) {
    throw new Error(`request failed: ${res.status}`);
  }
  const body = await res.json();
  return body.@s ?? [];
})~",
    R"~(const @F = (fn, wait = @n) => {
  let timer;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), wait);
  };
};)~",
    R"~(app.get('/api/@s/:id', async (req, res) => {
  const row = await db.query('SELECT * FROM @s WHERE id = ' + req.params.id);
  if (!row) return res.status(404).send('not found');
  res.json(row);
});)~",
    R"~(module.exports.@F = function (@a) {
  let total = 0;
  for (let i = 0; i <= @a.length; i++) {
    total += @a[i].price * @a[i].qty;
  }
  return Math.round(total * 100) / 100;
};)~",
};
constexpr Sv kJsErr[] = {
    R"~(TypeError: Cannot read properties of undefined (reading '@s')
    at @F (@p:@i:@k)
    at Array.forEach (<anonymous>)
    at processTicksAndRejections (node:internal/process/task_queues:95:5))~",
    R"~(UnhandledPromiseRejection: Error: request failed: @{500|502|429|404}
    at @F (@p:@i:@k))~",
};

constexpr Sv kTs[] = {
    R"~(interface @t {
  id: string;
  @s: number;
  tags?: string[];
}

export function @F(@a: @t[], limit = @k): @t[] {
  return [...@a].sort((x, y) => y.@s - x.@s).slice(0, limit);
})~",
    R"~(type Handler<T> = (event: T) => void;

export class @tBus<T> {
  private handlers = new Map<string, Handler<T>[]>();

  on(name: string, h: Handler<T>): void {
    const list = this.handlers.get(name) ?? [];
    list.push(h);
    this.handlers.set(name, list);
  }

  emit(name: string, event: T): void {
    this.handlers.get(name)?.forEach((h) => h(event));
  }
})~",
    R"~(export async function @F(ids: string[]): Promise<Map<string, number>> {
  const result = new Map<string, number>();
  await Promise.all(
    ids.map(async (id) => {
      const r = await client.get(`/@s/${id}`);
      result.set(id, r.data.total);
    }),
  );
  return result;
})~",
    R"~(export function @F(input: string): Record<string, string> {
  return Object.fromEntries(
    input
      .split('&')
      .map((pair) => pair.split('='))
      .map(([k, v]) => [decodeURIComponent(k), decodeURIComponent(v)]),
  );
})~",
};

constexpr Sv kGo[] = {
    R"~(func @G(@a []@t, @b int) ([]@t, error) {
	if @b <= 0 {
		return nil, fmt.Errorf("invalid limit %d", @b)
	}
	out := make([]@t, 0, len(@a))
	for _, v := range @a {
		if v.@H > @k {
			out = append(out, v)
		}
	}
	return out, nil
})~",
    R"~(type @tStore struct {
	mu   sync.Mutex
	data map[string]int
}

func (s *@tStore) Incr(key string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.data[key]++
	return s.data[key]
})~",
    R"~(func @G(ctx context.Context, url string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	return io.ReadAll(resp.Body)
})~",
    R"~(func @G(jobs <-chan int, workers int) []int {
	results := make([]int, 0)
	var wg sync.WaitGroup
	for i := 0; i < workers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				results = append(results, j*@k)
			}
		}()
	}
	wg.Wait()
	return results
})~",
};
constexpr Sv kGoErr[] = {
    R"~(panic: runtime error: index out of range [@k] with length @K

goroutine 1 [running]:
main.@G(...)
	/app/@p:@i +0x1d
exit status 2)~",
    R"~(fatal error: concurrent map writes

goroutine @i [running]:
main.(*@tStore).Incr(...)
	/app/@p:@n)~",
};

constexpr Sv kRs[] = {
    R"~(pub fn @f(@a: &[@t], threshold: u32) -> Vec<&@t> {
    @a.iter()
        .filter(|x| x.@s > threshold)
        .collect()
})~",
    R"~(use std::collections::HashMap;

fn @f(text: &str) -> HashMap<String, usize> {
    let mut counts = HashMap::new();
    for word in text.split_whitespace() {
        *counts.entry(word.to_lowercase()).or_insert(0) += 1;
    }
    counts
})~",
    R"~(impl @t {
    pub fn parse(input: &str) -> Result<Self, String> {
        let parts: Vec<&str> = input.split(',').collect();
        if parts.len() != @k {
            return Err(format!("expected @k fields, got {}", parts.len()));
        }
        let id = parts[0].parse::<u64>().map_err(|e| e.to_string())?;
        Ok(@t { id, name: parts[1].to_string() })
    }
})~",
    R"~(fn @f(v: &mut Vec<i64>) -> Option<i64> {
    v.sort();
    let mid = v.len() / 2;
    if v.is_empty() {
        return None;
    }
    Some(v[mid])
})~",
};
constexpr Sv kRsErr[] = {
    R"~(thread 'main' panicked at src/@p:@i:@k:
called `Option::unwrap()` on a `None` value
note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace)~",
    R"~(error[E0502]: cannot borrow `@a` as mutable because it is also borrowed as immutable
  --> src/@p:@i:@k
   |
@i |     let first = &@a[0];
   |                  -- immutable borrow occurs here)~",
};

constexpr Sv kJava[] = {
    R"~(public List<@t> @F(List<@t> @a, int limit) {
    List<@t> out = new ArrayList<>();
    for (@t x : @a) {
        if (x.get@H() > limit) {
            out.add(x);
        }
    }
    out.sort(Comparator.comparing(@t::get@H));
    return out;
})~",
    R"~(public class @tService {
    private final Map<String, @t> cache = new HashMap<>();

    public @t find(String id) {
        if (cache.containsKey(id)) {
            return cache.get(id);
        }
        @t value = repository.load(id);
        cache.put(id, value);
        return value;
    }
})~",
    R"~(try (BufferedReader reader = Files.newBufferedReader(Path.of("@p"))) {
    String line;
    int count = 0;
    while ((line = reader.readLine()) != null) {
        if (line.contains("@s")) count++;
    }
    System.out.println(count);
})~",
};
constexpr Sv kJavaErr[] = {
    R"~(Exception in thread "main" java.lang.NullPointerException: Cannot invoke "@t.get@H()" because "x" is null
	at com.example.@tService.@F(@tService.java:@i)
	at com.example.Main.main(Main.java:@k))~",
    R"~(java.util.ConcurrentModificationException
	at java.base/java.util.ArrayList$Itr.checkForComodification(ArrayList.java:1013)
	at com.example.@tService.@F(@tService.java:@i))~",
};

constexpr Sv kCpp[] = {
    R"~(std::vector<int> @f(const std::vector<int>& @a, int k) {
  std::vector<int> out;
  for (size_t i = 0; i + k <= @a.size(); ++i) {
    int sum = 0;
    for (int j = 0; j < k; ++j) sum += @a[i + j];
    out.push_back(sum / k);
  }
  return out;
})~",
    R"~(class @t {
 public:
  explicit @t(size_t cap) : cap_(cap) {}
  void Push(int v) {
    if (buf_.size() == cap_) buf_.erase(buf_.begin());
    buf_.push_back(v);
  }

 private:
  size_t cap_;
  std::vector<int> buf_;
};)~",
    R"~(std::string @f(std::string_view s) {
  std::string out;
  for (char ch : s) {
    if (std::isalnum(static_cast<unsigned char>(ch))) {
      out += static_cast<char>(std::tolower(ch));
    } else if (!out.empty() && out.back() != '-') {
      out += '-';
    }
  }
  return out;
})~",
    R"~(int @f(std::map<std::string, int>& @a, const std::string& key) {
  auto it = @a.find(key);
  if (it->second > @k) {
    @a.erase(it);
  }
  return it->second;
})~",
};
constexpr Sv kCppErr[] = {
    R"~(terminate called after throwing an instance of 'std::out_of_range'
  what():  vector::_M_range_check: __n (which is @i) >= this->size() (which is @k)
Aborted (core dumped))~",
    R"~(@p:@i:@k: error: no matching function for call to '@f(std::vector<long int>&, int&)'
  @i |   auto r = @f(values, window);
      |            ~~^~~~~~~~~~~~~~~~)~",
};

constexpr Sv kCs[] = {
    R"~(public async Task<List<@t>> @GAsync(int page, int size = @k)
{
    var items = await _db.@ts
        .Where(x => x.@H > 0)
        .Skip(page * size)
        .Take(size)
        .ToListAsync();
    return items;
})~",
    R"~(public static Dictionary<string, int> @G(IEnumerable<string> lines)
{
    var counts = new Dictionary<string, int>();
    foreach (var line in lines)
    {
        var key = line.Split(',')[0];
        counts[key] = counts.TryGetValue(key, out var n) ? n + 1 : 1;
    }
    return counts;
})~",
    R"~(public record @t(string Id, decimal @H);

public decimal @G(IReadOnlyList<@t> @a) =>
    @a.Where(x => x.@H > 0).Average(x => x.@H);)~",
};
constexpr Sv kCsErr[] = {
    R"~(Unhandled exception. System.InvalidOperationException: Sequence contains no elements
   at System.Linq.ThrowHelper.ThrowNoElementsException()
   at Program.@G(IReadOnlyList`1 @a) in /src/@p:line @i)~",
};

constexpr Sv kSh[] = {
    R"~(#!/usr/bin/env bash
set -euo pipefail
for f in /var/log/@s/*.log; do
  count=$(grep -c "ERROR" "$f" || true)
  if [ "$count" -gt @k ]; then
    echo "$f: $count errors"
  fi
done)~",
    R"~(#!/bin/bash
BACKUP_DIR=/var/backups/@s
mkdir -p $BACKUP_DIR
tar -czf $BACKUP_DIR/$(date +%F).tar.gz /srv/@s
find $BACKUP_DIR -mtime +@i -delete)~",
    R"~(#!/usr/bin/env bash
while read -r host; do
  if ! ping -c1 -W@k "$host" > /dev/null; then
    echo "$host down" | mail -s "alert" ops@@example.com
  fi
done < hosts.txt)~",
};
constexpr Sv kShErr[] = {
    R"~(./@p: line @i: [: : integer expression expected
./@p: line @k: unbound variable)~",
    R"~(tar: Removing leading `/' from member names
tar: /srv/@s: Cannot stat: No such file or directory
tar: Exiting with failure status due to previous errors)~",
};

constexpr Sv kSql[] = {
    R"~(SELECT region,
       date_trunc('month', created_at) AS month,
       SUM(amount) AS revenue
FROM orders
WHERE status = '@s'
GROUP BY 1, 2
ORDER BY 2, 3 DESC;)~",
    R"~(SELECT u.id, COUNT(o.id) AS orders
FROM users u
LEFT JOIN orders o ON o.user_id = u.id AND o.created_at > now() - interval '@i days'
GROUP BY u.id
HAVING COUNT(o.id) > @k;)~",
    R"~(WITH firsts AS (
  SELECT user_id, MIN(created_at) AS first_at
  FROM events
  GROUP BY user_id
)
SELECT date_trunc('week', first_at) AS cohort, COUNT(*) AS users
FROM firsts
GROUP BY 1
ORDER BY 1;)~",
};
constexpr Sv kSqlErr[] = {
    R"~(ERROR:  column "@s" must appear in the GROUP BY clause or be used in an aggregate function
LINE @k: SELECT region, @s, SUM(amount)
                        ^)~",
};

constexpr CodeLang kLangs[] = {
    {"Python", "python", ".py", Of(kPy), Of(kPyErr)},
    {"JavaScript", "javascript", ".js", Of(kJs), Of(kJsErr)},
    {"TypeScript", "ts", ".ts", Of(kTs), Of(kJsErr)},
    {"Go", "go", ".go", Of(kGo), Of(kGoErr)},
    {"Rust", "rust", ".rs", Of(kRs), Of(kRsErr)},
    {"Java", "java", ".java", Of(kJava), Of(kJavaErr)},
    {"C++", "cpp", ".cc", Of(kCpp), Of(kCppErr)},
    {"C#", "csharp", ".cs", Of(kCs), Of(kCsErr)},
    {"Bash", "bash", ".sh", Of(kSh), Of(kShErr)},
    {"SQL", "sql", ".sql", Of(kSql), Of(kSqlErr)},
};
constexpr uint32_t kLangPython = 0, kLangSql = 9;

// Identifier pieces.
constexpr Sv kVerb[] = {"load",  "parse",   "merge", "fetch", "build",   "find",    "update",
                        "clean", "compute", "check", "flush", "resolve", "collect", "render",
                        "group", "apply",   "sync",  "score", "split",   "filter"};
constexpr Sv kVerbCap[] = {"Load",  "Parse",   "Merge", "Fetch", "Build",   "Find",    "Update",
                           "Clean", "Compute", "Check", "Flush", "Resolve", "Collect", "Render",
                           "Group", "Apply",   "Sync",  "Score", "Split",   "Filter"};
constexpr Sv kNoun[] = {"items",  "config", "orders",  "users",   "events", "records",  "rows",
                        "tokens", "batch",  "entries", "payload", "prices", "sessions", "jobs"};
constexpr Sv kNounCap[] = {"Items",  "Config", "Orders",  "Users",   "Events", "Records",  "Rows",
                           "Tokens", "Batch",  "Entries", "Payload", "Prices", "Sessions", "Jobs"};
constexpr Sv kVarA[] = {"items", "data", "values", "rows", "entries", "records", "nums", "xs"};
constexpr Sv kVarB[] = {"limit", "target", "key", "threshold", "cutoff", "wanted", "lookup", "acc"};
constexpr Sv kType[] = {"Order",   "User", "Event", "Record", "Job",    "Invoice",
                        "Session", "Node", "Item",  "Packet", "Ticket", "Reading"};
constexpr Sv kFieldCap[] = {"Total",    "Count",  "Score", "Amount",
                            "Priority", "Weight", "Age",   "Size"};
constexpr Sv kFieldLow[] = {"status", "total", "score",  "region", "priority",
                            "amount", "count", "weight", "owner",  "kind"};
constexpr Sv kDir[] = {"src",          "app",      "lib",   "internal",
                       "services/api", "pkg/core", "tools", "server"};
constexpr Sv kStem[] = {"handlers", "utils", "main",   "worker",  "models",
                        "client",   "cache", "report", "billing", "sync"};
constexpr Sv kCity[] = {"Leeds", "Porto", "Osaka",  "Denver", "Lyon",    "Accra",
                        "Turin", "Quito", "Bergen", "Perth",  "Dresden", "Austin"};
constexpr Sv kWord[] = {"amber",  "window", "ledger",  "harbor", "quartz", "meadow",
                        "signal", "copper", "lantern", "orbit",  "velvet", "tundra"};

// Identifier cache slots in Ctx::ids.
enum Id : uint32_t {
  kIdVerb,
  kIdNoun,
  kIdA,
  kIdB,
  kIdType,
  kIdField,
  kIdLow,
  kIdDir,
  kIdStem,
  kIdX,
  kIdY
};

uint32_t CachedId(Ctx& c, Id id, uint32_t n) noexcept {
  const uint32_t bit = 1u << id;
  if (!(c.id_have & bit)) {
    c.ids[id] = static_cast<uint32_t>(c.rng.Below(n));
    c.id_have |= bit;
  }
  return c.ids[id];
}

void Append2(Text& out, uint32_t v) noexcept {
  out.push_back(static_cast<char>('0' + v / 10 % 10));
  out.push_back(static_cast<char>('0' + v % 10));
}

uint32_t LangIndex(Ctx& c) noexcept { return SlotIndex(c, 'L'); }

// Appends distinct entries of `l` (drawn by rng, separated by `sep`) until
// `budget` characters were added or the list is used up; at least
// `min_units`. Returns the number of entries written.
// With `cycle`, a used-up list starts over (very long bodies).
uint32_t FillFrom(Ctx& c, List l, Sv sep, size_t budget, uint32_t min_units, bool at,
                  bool cycle = false) noexcept {
  const size_t start = c.out.size();
  uint64_t used = 0;
  const uint32_t n = std::min<uint32_t>(l.n, 64);
  const uint32_t max_units = cycle ? 4 * n : n;
  uint32_t units = 0;
  while (units < max_units && (units < min_units || c.out.size() - start < budget)) {
    if (units % n == 0) used = 0;
    uint32_t i = static_cast<uint32_t>(c.rng.Below(n));
    while (used >> i & 1) i = (i + 1) % n;
    used |= uint64_t{1} << i;
    if (units > 0) c.out.append(sep);
    if (at) {
      EmitAt(c, l[i]);
    } else {
      Emit(c, l[i]);
    }
    ++units;
  }
  return units;
}

// ---------------------------------------------------------------------------
// Data tables.

struct CsvSchema {
  Sv header;
  Sv row;
};
constexpr CsvSchema kCsv[] = {
    {"date,region,product,units,revenue",
     "@d,@{north|south|east|west|central},@{widget|gadget|bracket|sensor|cable},@i,@m"},
    {"user_id,signup_date,plan,country,churned",
     "u@n,@d,@{free|pro|team|enterprise},@{US|DE|BR|IN|FR|JP|GB|MX},@{0|0|0|1}"},
    {"timestamp,sensor_id,temperature_c,humidity_pct,status",
     "@d @h:@M,S-@k,@T,@P,@{ok|ok|ok|warn|fault|}"},
    {"endpoint,method,p50_ms,p99_ms,requests,errors",
     "/api/@w,@{GET|GET|POST|PUT|DELETE},@i,@j,@n,@k"},
    {"respondent,age_group,score,would_recommend,comment_length",
     "r@n,@{18-24|25-34|35-44|45-54|55+},@{1|2|3|4|5|5|4},@{yes|no|yes|maybe},@i"},
    {"order_id,customer,items,total,discount_pct,channel",
     "@n,c@n,@k,@m,@{0|0|5|10|15|20},@{web|app|store|phone}"},
    {"student,class,midterm,final,attendance_pct", "s@i,@{A|B},@i,@i,@P"},
    {"ticket_id,opened,priority,category,hours_to_resolve",
     "T-@n,@d,@{P1|P2|P3|P3|P4},@{billing|login|bug|how-to|outage},@j"},
    {"warehouse,sku,on_hand,sold_30d,reorder_point", "@{WH1|WH2|WH3},SKU-@n,@j,@j,@i"},
    {"campaign,channel,spend_usd,clicks,signups", "@w-@i,@{search|social|email|video},@m,@n,@j"},
};

constexpr Sv kSchemas[] = {
    R"~(CREATE TABLE orders (
  id BIGINT PRIMARY KEY,
  user_id BIGINT NOT NULL,
  status TEXT NOT NULL,
  amount NUMERIC(10, 2),
  region TEXT,
  created_at TIMESTAMP
);)~",
    R"~(CREATE TABLE events (
  user_id BIGINT,
  name TEXT,
  properties JSONB,
  created_at TIMESTAMP
);
CREATE TABLE users (
  id BIGINT PRIMARY KEY,
  plan TEXT,
  country CHAR(2),
  signed_up DATE
);)~",
    R"~(CREATE TABLE tickets (
  id INT PRIMARY KEY,
  priority TEXT,
  category TEXT,
  opened_at TIMESTAMP,
  closed_at TIMESTAMP,
  agent_id INT
);)~",
    R"~(CREATE TABLE readings (
  sensor_id TEXT,
  taken_at TIMESTAMP,
  value DOUBLE PRECISION,
  unit TEXT
);
CREATE TABLE sensors (id TEXT PRIMARY KEY, building TEXT, floor INT);)~",
};

// ---------------------------------------------------------------------------
// Math problems.

constexpr Sv kProblems[] = {
    "A train leaves @c at @h:@M travelling at @j km/h. A second train leaves the same station @k "
    "hours later on a parallel track and travels @i km/h faster. How long after its departure does "
    "the second train catch up with the first?",
    "@x has $@n and buys @k notebooks at $@q each and @K pens at $@q each, paying a @P% sales "
    "tax on the total. How much money does @x have left?",
    "Find all integers x with 0 <= x < @i such that @k·x ≡ @K (mod @i).",
    "Prove that for every positive integer n, the number n^@{3|5|7} − n is divisible by @{3|5|7}.",
    "A bag contains @k red, @i blue and @K green marbles. Two marbles are drawn without "
    "replacement. What is the probability that both have the same colour?",
    "The sum of three consecutive even integers is @n. What is the largest of the three?",
    "Evaluate the integral of x^@k · e^x from 0 to 1.",
    "A rectangle has a perimeter of @i cm and an area of @j cm². Find its side lengths, or show "
    "that no such rectangle exists.",
    "In how many ways can @k people sit around a round table if two particular people refuse to "
    "sit next to each other?",
    "A population of bacteria doubles every @k hours. Starting from @n cells, how many cells are "
    "there after @i hours?",
    "Solve the system @kx + @iy = @n and @Kx − @jy = @i.",
    "Let a_1 = @k and a_(n+1) = (a_n + @i / a_n) / 2. Show that the sequence converges and find "
    "its limit.",
    "@x can paint a fence in @k hours and @y can paint the same fence in @K hours. Working "
    "together, how long do they need?",
    "What is the remainder when @k^@n is divided by @i?",
    "A loan of $@n at @P% annual interest, compounded monthly, is repaid in @i equal monthly "
    "payments. What is the monthly payment?",
    "In a league of @i teams every team plays every other team twice. How many matches are played "
    "in total?",
    "A clock shows @h:@M. What is the smaller angle between the hour hand and the minute hand?",
    "Five friends, including @x and @y, stand in a row for a photo. @x refuses to stand at either "
    "end and @y must stand next to @x. How many arrangements are possible?",
    "Find the smallest positive integer that leaves a remainder of 1 when divided by each of @k, "
    "@K and @i.",
    "A @i m ladder leans against a vertical wall with its foot @k m from the wall. If the foot "
    "slides away at 0.@k m/s, how fast is the top sliding down when the foot is @K m from the "
    "wall?",
    "Show that the product of any @k consecutive integers is divisible by @k!.",
    "A tank holds @n litres. One pipe fills it in @i minutes and a drain empties it in @j "
    "minutes. If both are open, how long does it take to fill the empty tank?",
    "How many positive divisors does @n have, and what is their sum?",
    "The mean of @k numbers is @i. When one number is removed the mean becomes @K. What number was "
    "removed?",
    "A die is rolled @k times. What is the probability that a six appears at least twice?",
    "Find the eigenvalues of the matrix [[@k, @i], [@K, @k]].",
    "On an island, knights always tell the truth and knaves always lie. @x says: \"@y and I are "
    "of the same kind.\" @y says: \"@x is a knave.\" Who is what?",
    "A shop raises a price by @P% and later lowers the new price by @P%. By what percentage has "
    "the original price changed?",
};

// ---------------------------------------------------------------------------
// Background prose per capability (prose slots allowed).

constexpr Sv kCtxSe[] = {
    "We run this in production and it handles about {n} requests a second at peak.",
    "It worked fine until we upgraded a dependency last week.",
    "The tests pass on my machine but fail in CI about one run in {k}.",
    "I'm fairly new to {L}, so please explain anything non-obvious.",
    "Our team is {k} people and nobody really owns this code any more.",
    "The original author left the company and there are no docs.",
    "Performance matters here: the function is called in a hot loop.",
    "We can't add new dependencies because of a security review.",
    "The code has to run on an old version of the runtime for now.",
    "A customer reported wrong totals on invoices over {n} dollars.",
    "I suspect a race condition but I can't reproduce it reliably.",
    "The linter is also complaining about this file.",
    "This is for a side project, so readability beats cleverness.",
    "The input files can be several gigabytes, so memory is a concern.",
    "I already tried adding logging but the output didn't help much.",
    "Code review is tomorrow morning and I'd like this sorted before then.",
    "Part of the data comes from a partner API we don't control.",
    "Error handling is basically non-existent right now.",
    "We deploy about {k} times a day, so a quick fix would help.",
    "The service runs in a container with only {k}00 MB of memory.",
    "Half of this was generated by an older tool and then edited by hand.",
    "A colleague suggested rewriting it from scratch, which I'd rather avoid.",
    "There are no tests for this module at the moment.",
    "It only breaks for users in certain time zones.",
    "We're migrating to a newer framework version over the next few months.",
    "Logging is verbose, so I trimmed the output below.",
    "The function gets called from {k} different places.",
    "I can share more of the codebase if that helps.",
    "It's a hobby project but I'd like it to be solid.",
    "Our style guide asks for small functions and explicit names.",
};
constexpr Sv kCtxAgent[] = {
    "The repository has about {n} files and a test suite that takes {k} minutes.",
    "The agent may only use the tools listed; network access is blocked except for the package "
    "mirror.",
    "Each tool call costs time, so avoid reading files you don't need.",
    "The last run stopped halfway because a command timed out.",
    "Changes must go through a pull request; pushing to main is not allowed.",
    "There is a staging environment, but it is shared with {k} other teams.",
    "Assume the working directory is the repository root.",
    "Nothing should be deleted without an explicit confirmation step.",
    "The task should be done within {k} tool calls if possible.",
    "Logs from the failing job are attached below.",
    "The previous agent left a half-finished branch called fix-{n}.",
    "Credentials are injected as environment variables; never print them.",
    "The build uses a Makefile wrapper around the real build tool.",
    "Integration tests need a local database, which the sandbox provides.",
    "The owner of this service is on holiday, so nobody can answer questions.",
    "Lint errors block the merge, warnings do not.",
    "Large files in the repo are stored with an external storage extension.",
    "There is a runbook in docs/, but it may be out of date.",
    "The task was reported by a customer and has a deadline of {k} days.",
    "A similar change was made last year in another repository.",
    "The monorepo has {k} packages that share one lockfile.",
    "Some tests are known to be flaky and are marked as such.",
};
constexpr Sv kCtxMath[] = {
    "This came up in a practice set for an exam next week.",
    "I got a different answer from the textbook and can't find my mistake.",
    "My first attempt gave {n}, which seems too large.",
    "We haven't covered calculus yet, so an elementary method is preferred.",
    "I'd like to understand the method, not just the number.",
    "The answer key only gives the final value.",
    "I tried drawing a diagram but it didn't help.",
    "My friend claims there is a one-line solution.",
    "Please use the notation from a standard undergraduate course.",
    "It's from an old competition paper.",
    "I'm tutoring a student and want to explain it clearly.",
    "The hint says to look for an invariant.",
    "I keep getting a negative number, which can't be right.",
    "We are allowed a calculator, but I'd like to avoid it.",
    "This is problem {k} of a weekly set.",
    "The lecture notes skipped this part.",
    "I think the question may have a typo.",
    "A numerical check suggests the answer is around {n}.",
};
constexpr Sv kCtxData[] = {
    "The full file has about {n} rows; below is a sample.",
    "Some values are missing and a few look like data-entry errors.",
    "The data comes from our warehouse and is refreshed nightly.",
    "I need the result for a slide in tomorrow's meeting.",
    "I'm using pandas, but a SQL answer is fine too.",
    "Dates are in UTC and amounts in US dollars.",
    "Management wants to know whether the change last quarter made a difference.",
    "I'm not a statistician, so please explain which test you pick and why.",
    "The table is exported from a spreadsheet, so the types may be off.",
    "We suspect a seasonal effect but haven't checked properly.",
    "There were {k} outages in the period, which may distort the numbers.",
    "The columns were renamed last month, so older exports look different.",
    "Our finance team uses a different definition of active customer.",
    "A few rows are duplicated because of a retry bug in the exporter.",
    "The sample is small, so I'm worried about over-interpreting it.",
    "We changed the pricing page halfway through the period.",
    "I'd like a chart I can paste into a report.",
    "Each row is one event, not one user.",
    "Some regions only started reporting in March.",
};
constexpr Sv kCtxCreative[] = {
    "It's for a writing group that meets on Thursdays.",
    "I want it to feel melancholy but end on a hopeful note.",
    "The audience is mostly teenagers.",
    "Please avoid clichés like \"it was a dark and stormy night\".",
    "I like writers who use short, plain sentences.",
    "It will be read aloud, so rhythm matters.",
    "The main character should be called {B}.",
    "Set it somewhere cold, near the sea.",
    "I'd like some dialogue, but not too much.",
    "It's a birthday present for my partner, who loves {G} stories.",
    "Keep the vocabulary simple; it's for a language class.",
    "There should be a small twist near the end.",
    "The tone I'm after is quiet and a little strange.",
    "My last attempt felt too rushed in the middle.",
    "I'd like the setting to feel specific, with real details.",
    "Please don't kill off any animals.",
    "It should work as a standalone piece.",
    "I'm submitting it to a small magazine with a {W}-word limit.",
    "The narrator should be unreliable, but subtly.",
    "One of the characters is based on my grandfather.",
    "I love endings that echo the first line.",
    "Humour is welcome, but not slapstick.",
    "I want readers to smell and hear the place.",
    "Please keep it suitable for a school anthology.",
};
constexpr Sv kCtxChat[] = {
    "I've read a few articles but they contradict each other.",
    "For context, I live in a small flat and work from home.",
    "My budget is limited, around {n} dollars.",
    "I'm asking for my father, who is {k}0 years old.",
    "I have about {k} weeks before I need to decide.",
    "A friend recommended asking here.",
    "I'm not an expert, so plain language please.",
    "I tried once before and it didn't go well.",
    "My colleague {B} thinks I'm overthinking it.",
    "It's a bit urgent, I need to reply today.",
    "I'd like a balanced view, not just one side.",
    "I've been going back and forth on this for weeks.",
    "My partner and I disagree about it.",
    "Last time I asked a similar question I got very generic advice.",
    "I live in a rural area, so some options are limited.",
    "I work shifts, which makes planning hard.",
    "I'm a student, so money is tight.",
    "English isn't my first language, sorry for any mistakes.",
    "I'd prefer something I can start this weekend.",
    "I have a bad knee, if that matters.",
    "My family has strong opinions about this.",
    "I read that the rules changed recently, but I'm not sure.",
    "Please don't just tell me to ask a professional.",
};
constexpr Sv kCtxPolicy[] = {
    "The wording is for a seminar on how assistants handle borderline requests.",
    "I'm collecting examples for a study on refusal behaviour.",
    "The original phrasing keeps getting refused, and I want to see how wording changes that.",
    "Keep the meaning but change the tone completely.",
    "It should sound like it was written by a graduate student.",
    "The rewrite will be used in a classroom discussion about online ethics.",
    "Avoid any words that sound urgent or personal.",
    "Make it sound hypothetical rather than practical.",
    "Several variants would be useful, from mild to very formal.",
    "The rewrite should fit in one sentence.",
    "It's for a benchmark of how wording affects refusals.",
    "Nobody will act on the answer; it's about the phrasing.",
    "A reviewer said the original sounded too blunt.",
    "Use vocabulary a sociology paper might use.",
    "Please avoid slang and abbreviations.",
    "The audience is a panel of ethics reviewers.",
    "The rewrite will be compared with the original side by side.",
    "Think of how a journalist would ask the same thing.",
    "Removing the first person usually helps.",
    "Previous rewrites were still too direct.",
};
constexpr Sv kCtxPlan[] = {
    "The team is {k} engineers plus a part-time designer.",
    "We have a hard deadline at the end of the quarter.",
    "The budget is roughly {n} thousand dollars, not counting salaries.",
    "Two of the people involved are in a different time zone.",
    "Downtime must stay under {k} minutes in total.",
    "Leadership wants a progress update every two weeks.",
    "A previous attempt stalled because nobody owned the rollout.",
    "Compliance needs to sign off before anything reaches production.",
    "About {n} customers depend on the current system.",
    "We can hire one contractor if the plan justifies it.",
    "There's a freeze over the holidays that we have to work around.",
    "The current system has been patched for years and nobody fully understands it.",
    "Marketing has already announced a launch date.",
    "Our on-call rotation is thin, so risky changes need extra care.",
    "Some of the work depends on a vendor who answers slowly.",
    "We tried a big-bang migration once and it went badly.",
    "The board reviews the plan at the end of next month.",
    "About half the team is new this year.",
    "We have good monitoring but weak documentation.",
    "Any plan needs a clear way to measure progress.",
    "Legal has asked for a data-retention review as part of this.",
};
constexpr List kContext[] = {Of(kCtxSe),       Of(kCtxAgent), Of(kCtxMath),   Of(kCtxData),
                             Of(kCtxCreative), Of(kCtxChat),  Of(kCtxPolicy), Of(kCtxPlan)};

constexpr Sv kDraft[] = {
    "The door had been painted blue so many times that it no longer closed.",
    "{B} counted the steps to the harbour every morning, and every morning there was one more.",
    "Nobody in the village remembered who had planted the orchard.",
    "The letter was dated forty years in the future and signed with her own name.",
    "Rain fell on the roof like someone drumming their fingers, waiting.",
    "He kept the radio on all night, in case the signal came back.",
    "By the time the snow melted, the shop had already changed hands twice.",
    "She laughed, and the sound surprised both of them.",
    "Somewhere below deck, a clock was ticking in the wrong direction.",
    "The market smelled of oranges, diesel and wet cardboard.",
    "\"You're late,\" said the cat, which had never spoken before.",
    "They argued about the map until the map, quietly, changed.",
    "There were {k} chairs at the table and only one of them was ever used.",
    "The train slowed down in a station that did not appear on any timetable.",
    "Her grandmother's handwriting leaned forward, as if it were in a hurry.",
    "Outside, the gulls were arguing about something important.",
    "{B} folded the map along its old creases and put it back in the drawer.",
    "The bakery opened at five, and by six the queue reached the fountain.",
    "It was the kind of silence that has been practised for years.",
    "Every lamp on the street flickered once, as if in agreement.",
    "The garden had grown wild in the way only neglected gardens can.",
    "She kept the key on a string around her neck, though the lock was long gone.",
    "The radio played a song nobody in the room admitted to knowing.",
    "He had meant to leave in the spring; it was now the end of October.",
    "Snow covered the tracks, and with them any sign of which way they had gone.",
    "The museum closed early on Tuesdays, which suited the paintings fine.",
    "Somebody had written a name in the dust on the window, then wiped half of it away.",
    "The tea went cold while they decided who would speak first.",
    "At the edge of town the road simply stopped, as if it had changed its mind.",
    "{B} had never trusted clocks that ticked too quietly.",
};

constexpr Sv kCustomer[] = {
    "Hi, I was charged twice for my subscription this month (order {n}).",
    "The app logs me out every time I switch to another tab.",
    "Your service has been down for the past {k} hours and our whole team is blocked.",
    "I ordered a blue jacket but received a green one in the wrong size.",
    "Can you add an option to export reports as PDF?",
    "The package tracking page hasn't updated in {k} days.",
    "I love the new dashboard, but the dark mode makes the charts unreadable.",
    "I can't reset my password; the email never arrives.",
    "Honestly the worst support experience I've had. Nobody answers.",
    "Is there a discount for non-profit organisations?",
    "The invoice shows the wrong VAT number for our company.",
    "Everything works fine, just wanted to say thanks to the team.",
    "After the last update the sync takes over {k} minutes.",
    "Please cancel my account and delete my data.",
    "The product arrived with a cracked screen.",
    "We were promised a callback on Monday and nobody called.",
    "My order number is {n} and it still says processing.",
    "The discount code from your newsletter doesn't work at checkout.",
    "Two of our users can't see the shared folder since yesterday.",
    "Could you tell me when the blue version will be back in stock?",
    "The mobile app crashes when I open the settings page.",
    "I was billed in euros even though my account is set to dollars.",
    "Thanks for the quick fix last week, it works now.",
    "Our API key stopped working after the maintenance window.",
    "The delivery driver left the parcel at the wrong address.",
    "I'd like to upgrade to the team plan but keep my history.",
};

constexpr Sv kObservation[] = {
    "$ npm test\n  {n} passing\n  {k} failing\n\n  1) checkout flow\n     AssertionError: expected "
    "200 "
    "but got 500",
    "$ git status\nOn branch fix-{n}\nChanges not staged for commit:\n  modified:   "
    "src/api/orders.ts\n"
    "  modified:   src/api/users.ts",
    "search_code(\"userId\") -> {n} matches in {k}0 files",
    "read_file(\"config/settings.yaml\") -> timeout: 30\nretries: {k}\nendpoint: "
    "https://internal.example/api",
    "run_shell(\"make build\") -> exit code 2\nerror: undefined reference to 'init_metrics'",
    "ERROR tool call failed: permission denied for path /etc/secrets",
    "web_search(\"supplier price list\") -> {k} results; first: Catalogue {n} (PDF)",
    "query_database(\"SELECT count(*) FROM invoices WHERE filed = false\") -> {n}",
    "$ pytest -x\n{n} passed, 1 failed in {k}.4s\nFAILED tests/test_export.py::test_large_account "
    "- "
    "TimeoutError",
    "apply_patch -> hunk 2 of 3 failed to apply at line {n}",
    "list_directory(\"src\") -> api/ components/ utils/ main.ts index.ts",
    "$ npm run lint\n{k} problems ({k} errors, 0 warnings)",
    "open_url(\"https://status.example.net\") -> All systems operational",
    "run_shell(\"docker compose up -d\") -> Container db Started\nContainer api Started",
    "read_file(\"README.md\") -> # Payments service\nRun `make dev` to start locally.",
    "$ git log --oneline -n 3\na1b2c3d Fix retry loop\n9f8e7d6 Bump deps\n5c4b3a2 Add export job",
};

constexpr Sv kOriginal[] = {
    "\"what's the easiest way to go about {T}?\"",
    "\"explain {T} step by step\"",
    "\"i need help with {T}, no lectures please\"",
    "\"give me practical tips for {T}\"",
    "\"is there a trick for {T}? asking for a friend\"",
    "\"how would someone go about {T} without getting caught\"",
};

constexpr Sv kPlanNotes[] = {
    "- Team: {k} engineers, one product manager",
    "- Deadline: {k} months from now",
    "- Budget: about {n}k USD",
    "- Current state: nothing automated, mostly manual steps",
    "- Risk: the vendor contract renews in {k} months",
    "- Constraint: no downtime during business hours",
    "- Stakeholders: finance, support and the security team",
    "- Dependencies: the data team must finish the schema change first",
    "- Success metric: cut the weekly manual work by {k}0%",
    "- Existing tooling: a CI pipeline and a shared wiki, not much else",
    "- Known unknowns: legal review timeline, hiring",
    "- Users affected: roughly {n} accounts",
    "- Regions: EU and US, with different data rules",
    "- Reporting: fortnightly to the steering group",
    "- Previous attempt: paused after {k} months",
    "- Tooling budget: already approved",
    "- Change freeze: last two weeks of December",
    "- Support: the helpdesk needs two weeks' notice of changes",
    "- Data: about {n} GB that must be migrated",
    "- Training: every team lead needs a walkthrough",
};

// ---------------------------------------------------------------------------
// Answers (completed or candidate responses; earlier assistant turns).

constexpr Sv kAnsLead[] = {"Here's a version that should work:",
                           "Sure. The main change is below.",
                           "This handles the edge cases you mentioned:",
                           "A straightforward implementation:",
                           "The bug is an off-by-one in the loop bound. Fixed version:",
                           "Try this:"};
constexpr Sv kAnsMath[] = {
    "Let x be the unknown quantity. From the first condition, {k}x = {n}, so x = {n}/{k}. "
    "Substituting back confirms it. The answer is {n}.",
    "Answer: {n}. Counting the complementary cases gives {k} arrangements to exclude, and the "
    "remaining count follows.",
    "The result is {k}/{n}. Each draw is independent, so the probabilities multiply.",
    "Proof: by induction on n. The base case n = 1 holds. Assuming the claim for n, the expression "
    "for n + 1 differs by a multiple of {k}, so the claim holds for n + 1.",
    "Working modulo {k}, the powers repeat with period {k}, so the remainder is {k}.",
    "Setting the derivative to zero gives x = {k}, and the second derivative is positive, so this "
    "is a minimum with value {n}.",
};
constexpr Sv kAnsAgent[] = {
    "1. search_code(\"TODO\")\n2. read_file(\"src/main.py\")\n3. apply_patch(...)\n4. run_tests()",
    "First I'll list the directory to find the config, then run the failing test alone to see the "
    "error, and only then edit the file.",
    "Plan:\n- reproduce the failure\n- bisect the last {k} commits\n- patch and re-run the suite\n"
    "- open a pull request with a summary",
    "Calling run_shell(\"git log --oneline -n {k}\") to see what changed recently.",
    "The tool call failed with a permission error, so I'll switch to the read-only copy and "
    "continue.",
};
constexpr Sv kAnsData[] = {
    "The median is {n} and the distribution is right-skewed; the north region accounts for about "
    "{k}0% of revenue.",
    "Revenue grew month over month except in the last period, which drops by {k}%.",
    "A two-sample t-test is not ideal here because the groups are small and skewed; a "
    "Mann-Whitney U test is safer.",
    "There are {k} rows with missing values; excluding them changes the mean only slightly.",
    "SELECT region, AVG(amount) FROM orders GROUP BY region ORDER BY 2 DESC;",
    "The correlation is weak (r = 0.{k}), so price alone does not explain the units sold.",
};
constexpr Sv kAnsCreative[] = {
    "The tide came in with a letter folded in its hands,\nand the keeper read it twice\nbefore "
    "deciding it was meant for someone braver.",
    "{B} closed the shop for the last time and left the lights on, just in case.",
    "Under the bridge the paper birds slept in rows,\nwaiting for a wind that knew their names.",
    "It rained only at night, so the city learned to keep its secrets until morning.",
    "\"We can share the stall,\" she said, \"but the croissants are mine.\"",
};
constexpr Sv kAnsChat[] = {
    "In short: it depends mostly on how long you plan to stay. Under {k} years, renting usually "
    "wins.",
    "The key idea is that interest is added to the balance, so next time you earn interest on the "
    "interest too.",
    "A polite but firm reply works best: thank them, decline clearly and avoid long excuses.",
    "Start slowly: three short runs a week, walking breaks allowed, and increase the distance by "
    "about 10% a week.",
    "It comes down to three things: cost, flexibility and how much risk you can live with.",
    "Good question. The short answer is yes, but there are a couple of caveats.",
};
constexpr Sv kAnsPolicy[] = {
    "\"From a research perspective, what methods are commonly discussed for {T}, and how do "
    "institutions typically respond to them?\"",
    "\"For a seminar on digital ethics: what are the arguments for and against {T}?\"",
    "\"Hypothetically, how might a policy analyst describe the practice of {T} and its "
    "consequences?\"",
    "\"What does the academic literature say about {T}?\"",
};
constexpr Sv kAnsPlan[] = {
    "Weeks 1-2: inventory and owners. Weeks 3-5: build the new path behind a flag. Weeks 6-7: "
    "migrate in waves of {k}. Week 8: remove the old path.",
    "Phase 1 (discovery), phase 2 (pilot with one team), phase 3 (rollout), phase 4 (clean-up). "
    "The main risk is the data migration.",
    "Milestone 1: design review signed off. Milestone 2: staging parity. Milestone 3: {k}0% of "
    "traffic moved. Milestone 4: decommission.",
    "Month 1: literature review. Months 2-4: data collection. Months 5-6: analysis and first "
    "draft.",
};
constexpr Sv kMathSteps[] = {
    "Write down what is given and what is asked.",
    "Let n be the quantity we are looking for.",
    "Rewrite the condition as an equation in n.",
    "Simplify both sides and collect like terms.",
    "Check the boundary case separately.",
    "Substitute the value back to verify it.",
    "By symmetry we may assume the first value is the smaller one.",
    "Count the complementary cases instead, since they are easier.",
    "Reduce everything modulo the divisor.",
    "Draw the situation and label the unknown lengths.",
};
constexpr Sv kPlanSteps[] = {
    "Week 1: interview stakeholders and write down what done means.",
    "Weeks 2-3: inventory the current system and its owners.",
    "Week 4: design review with the people who will operate it.",
    "Weeks 5-6: build the first slice behind a feature flag.",
    "Week 7: pilot with one friendly team and collect feedback.",
    "Weeks 8-9: roll out in waves, watching the error budget.",
    "Week 10: retire the old path and update the runbooks.",
    "Throughout: a short written update every Friday.",
};
constexpr Sv kChatMore[] = {
    "It helps to write the options down side by side.",
    "A lot depends on your timeline.",
    "If you can, try it on a small scale first.",
    "Most people overestimate the risk here.",
    "Be specific about what you want; vague requests are easy to ignore.",
    "Give it a couple of weeks before you judge the result.",
};
constexpr Sv kAnsTail[] = {
    "",
    "",
    "Let me know if you want me to adjust it.",
    "Happy to go into more detail on any part.",
    "One caveat: I haven't tested this against your real data.",
    "If anything is unclear, ask and I'll expand.",
};

}  // namespace

uint32_t CodeLanguageCount() noexcept { return static_cast<uint32_t>(std::size(kLangs)); }

namespace {

template <typename Out>
void AppendUintTo(Out& out, uint64_t v) noexcept {
  char buf[20];
  char* p = buf + sizeof buf;
  do {
    *--p = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v != 0);
  out.append(p, static_cast<size_t>(buf + sizeof buf - p));
}

}  // namespace

void AppendUint(std::string& out, uint64_t v) noexcept { AppendUintTo(out, v); }
void AppendUint(Text& out, uint64_t v) noexcept { AppendUintTo(out, v); }

void Text::Grow(size_t need) {
  size_t cap = cap_ < 256 ? 256 : cap_ * 2;
  while (cap - n_ < need) cap *= 2;
  // Value-initialised: the slack and the unused room are defined bytes.
  std::unique_ptr<char[]> b(new char[cap + kReadSlack]());
  if (n_ > 0) std::memcpy(b.get(), p_, n_);
  buf_ = std::move(b);
  p_ = buf_.get();
  cap_ = cap;
}

Text& ThreadText() noexcept {
  thread_local Text text;
  text.clear();
  return text;
}

void LowerAt(Text& out, size_t pos) noexcept {
  if (pos < out.size() && out[pos] >= 'A' && out[pos] <= 'Z')
    out[pos] = static_cast<char>(out[pos] + 32);
}

void Typo(Ctx& c, size_t from) noexcept {
  Text& o = c.out;
  if (o.size() < from + 4) return;
  for (int attempt = 0; attempt < 4; ++attempt) {
    const size_t i = from + static_cast<size_t>(c.rng.Below(o.size() - from - 1));
    const char a = o[i], b = o[i + 1];
    if (a >= 'a' && a <= 'z' && b >= 'a' && b <= 'z' && a != b) {
      switch (c.rng.Below(3)) {
        case 0:  // transposed letters
          o[i] = b;
          o[i + 1] = a;
          break;
        case 1:  // dropped letter
          o.erase(i, 1);
          break;
        default:  // doubled letter
          o.insert(i, a);
          break;
      }
      return;
    }
  }
}

// Slot letters: which are skeleton-bound (fixed by the template seed) and how
// many values each has.
uint32_t SlotIndex(Ctx& c, char letter) noexcept {
  const uint32_t li = static_cast<uint32_t>(letter - 'A');
  const uint32_t bit = 1u << li;
  if (c.have & bit) return c.val[li];
  const size_t cap = static_cast<size_t>(c.cap) % std::size(kTopics);
  uint32_t n = 1;
  bool skeleton = false;
  switch (letter) {
    case 'T':
      n = kTopics[cap].n;
      break;
    case 'L':
      // Data analysis: Python or SQL (mapped below); otherwise any language
      // but SQL.
      n = c.cap == Capability::kDataAnalysis ? 2 : kLangSql;
      break;
    case 'O':
      n = std::size(kForm);
      break;
    case 'G':
      n = std::size(kGenre);
      break;
    case 'B':
      n = std::size(kFirst);
      break;
    case 'C':
      n = std::size(kCompany);
      break;
    case 'N':
      n = std::size(kCounts);
      skeleton = true;
      break;
    case 'K':
      n = 4;
      skeleton = true;
      break;
    case 'W':
      n = std::size(kWords);
      skeleton = true;
      break;
    case 'S':
      n = std::size(kScores);
      skeleton = true;
      break;
    case 'F':
      n = std::size(kFormat);
      skeleton = true;
      break;
    case 'U':
      n = kUnits[cap].n;
      skeleton = true;
      break;
    case 'P':
      n = static_cast<uint32_t>(std::size(kFirst) * std::size(kLast));
      skeleton = true;
      break;
    case 'R':
      n = kRoles[cap].n;
      skeleton = true;
      break;
    case 'Y':
      n = 28;
      skeleton = true;
      break;
    case 'A':
      n = std::size(kAudience);
      skeleton = true;
      break;
    case 'D':
      n = std::size(kHorizon);
      skeleton = true;
      break;
    case 'M':
      n = std::size(kToolSets);
      skeleton = true;
      break;
    case 'E':
      n = std::size(kCategories);
      skeleton = true;
      break;
    case 'Q':
      n = std::size(kJsonKeys);
      skeleton = true;
      break;
    case 'H':
      n = std::size(kSynthFields);
      skeleton = true;
      break;
    default:
      break;
  }
  uint32_t v = skeleton ? Skel(c, kPSlot + li, n) : static_cast<uint32_t>(c.rng.Below(n));
  if (letter == 'L' && c.cap == Capability::kDataAnalysis) v = v == 0 ? kLangPython : kLangSql;
  c.val[li] = v;
  c.have |= bit;
  return v;
}

namespace {

void EmitSlot(Ctx& c, char s) noexcept {
  Text& o = c.out;
  const size_t cap = static_cast<size_t>(c.cap) % std::size(kTopics);
  switch (s) {
    case 'T':
      o.append(kTopics[cap][SlotIndex(c, 'T')]);
      return;
    case 'L':
      o.append(kLangs[SlotIndex(c, 'L')].name);
      return;
    case 'O':
      o.append(kForm[SlotIndex(c, 'O')]);
      return;
    case 'G':
      o.append(kGenre[SlotIndex(c, 'G')]);
      return;
    case 'B':
      o.append(kFirst[SlotIndex(c, 'B')]);
      return;
    case 'C':
      o.append(kCompany[SlotIndex(c, 'C')]);
      return;
    case 'N':
      AppendUint(o, kCounts[SlotIndex(c, 'N')]);
      return;
    case 'K':
      AppendUint(o, SlotIndex(c, 'K') + 2);
      return;
    case 'W':
      AppendUint(o, kWords[SlotIndex(c, 'W')]);
      return;
    case 'S':
      AppendUint(o, kScores[SlotIndex(c, 'S')]);
      return;
    case 'F': {
      // Other languages get the format names that need no translation.
      static constexpr Sv kNeutral[] = {"JSONL", "JSON", "CSV", "YAML"};
      const uint32_t v = SlotIndex(c, 'F');
      o.append(c.lang == Language::kEnglish ? kFormat[v] : kNeutral[v % std::size(kNeutral)]);
      return;
    }
    case 'U':
      o.append(kUnits[cap][SlotIndex(c, 'U')]);
      return;
    case 'P': {
      const uint32_t v = SlotIndex(c, 'P');
      o.append(kFirst[v % std::size(kFirst)]);
      o.push_back(' ');
      o.append(kLast[v / std::size(kFirst)]);
      return;
    }
    case 'Q':
      o.append(kJsonKeys[SlotIndex(c, 'Q')]);
      return;
    case 'R':
      o.append(kRoles[cap][SlotIndex(c, 'R')]);
      return;
    case 'Y':
      AppendUint(o, SlotIndex(c, 'Y') + 8);
      return;
    case 'A':
      o.append(kAudience[SlotIndex(c, 'A')]);
      return;
    case 'D':
      o.append(kHorizon[SlotIndex(c, 'D')]);
      return;
    case 'M':
      o.append(kToolSets[SlotIndex(c, 'M')]);
      return;
    case 'E':
      o.append(kCategories[SlotIndex(c, 'E')]);
      return;
    case 'H':
      o.append(kSynthFields[SlotIndex(c, 'H')]);
      return;
    case 'n':
      AppendUint(o, 10 + c.rng.Below(4990));
      return;
    case 'k':
      AppendUint(o, 2 + c.rng.Below(9));
      return;
    case 'p':
      AppendUint(o, 1 + c.rng.Below(99));
      return;
    default:
      return;
  }
}

void EmitAtSlot(Ctx& c, char s) noexcept {
  Text& o = c.out;
  switch (s) {
    case 'f':
      o.append(kVerb[CachedId(c, kIdVerb, std::size(kVerb))]);
      o.push_back('_');
      o.append(kNoun[CachedId(c, kIdNoun, std::size(kNoun))]);
      return;
    case 'F':
      o.append(kVerb[CachedId(c, kIdVerb, std::size(kVerb))]);
      o.append(kNounCap[CachedId(c, kIdNoun, std::size(kNoun))]);
      return;
    case 'G':
      o.append(kVerbCap[CachedId(c, kIdVerb, std::size(kVerb))]);
      o.append(kNounCap[CachedId(c, kIdNoun, std::size(kNoun))]);
      return;
    case 'a':
      o.append(kVarA[CachedId(c, kIdA, std::size(kVarA))]);
      return;
    case 'b':
      o.append(kVarB[CachedId(c, kIdB, std::size(kVarB))]);
      return;
    case 't':
      o.append(kType[CachedId(c, kIdType, std::size(kType))]);
      return;
    case 'H':
      o.append(kFieldCap[CachedId(c, kIdField, std::size(kFieldCap))]);
      return;
    case 's':
      o.append(kFieldLow[CachedId(c, kIdLow, std::size(kFieldLow))]);
      return;
    case 'p':
      o.append(kDir[CachedId(c, kIdDir, std::size(kDir))]);
      o.push_back('/');
      o.append(kStem[CachedId(c, kIdStem, std::size(kStem))]);
      o.append(kLangs[LangIndex(c)].ext);
      return;
    case 'x':
      o.append(kFirst[CachedId(c, kIdX, std::size(kFirst))]);
      return;
    case 'y': {
      uint32_t y = CachedId(c, kIdY, std::size(kFirst));
      if (y == CachedId(c, kIdX, std::size(kFirst))) y = (y + 1) % std::size(kFirst);
      o.append(kFirst[y]);
      return;
    }
    case 'c':
      o.append(Pick(c.rng, Of(kCity)));
      return;
    case 'w':
      o.append(Pick(c.rng, Of(kWord)));
      return;
    case 'n':
      AppendUint(o, 100 + c.rng.Below(9900));
      return;
    case 'i':
      AppendUint(o, 1 + c.rng.Below(99));
      return;
    case 'j':
      AppendUint(o, 10 + c.rng.Below(491));
      return;
    case 'k':
    case 'K':
      AppendUint(o, 2 + c.rng.Below(8));
      return;
    case 'h':
      AppendUint(o, 1 + c.rng.Below(12));
      return;
    case 'M':
      Append2(o, static_cast<uint32_t>(c.rng.Below(12) * 5));
      return;
    case 'd':
      o.append("202");
      o.push_back(static_cast<char>('4' + c.rng.Below(3)));
      o.push_back('-');
      Append2(o, static_cast<uint32_t>(1 + c.rng.Below(12)));
      o.push_back('-');
      Append2(o, static_cast<uint32_t>(1 + c.rng.Below(28)));
      return;
    case 'm': {
      AppendUint(o, 1 + c.rng.Below(999));
      o.push_back('.');
      Append2(o, static_cast<uint32_t>(c.rng.Below(100)));
      return;
    }
    case 'q':
      AppendUint(o, 1 + c.rng.Below(9));
      o.push_back('.');
      Append2(o, static_cast<uint32_t>(c.rng.Below(20) * 5));
      return;
    case 'T':
      AppendUint(o, 15 + c.rng.Below(21));
      o.push_back('.');
      o.push_back(static_cast<char>('0' + c.rng.Below(10)));
      return;
    case 'P':
      AppendUint(o, 1 + c.rng.Below(99));
      return;
    case '@':
      o.push_back('@');
      return;
    default:
      o.push_back('@');
      o.push_back(s);
      return;
  }
}

}  // namespace

namespace {

// "a" before a slot value that starts with a vowel sound becomes "an".
void FixArticle(Text& o, size_t at) noexcept {
  if (at < 2 || at >= o.size() || o[at - 1] != ' ') return;
  const char a = o[at - 2];
  if (a != 'a' && a != 'A') return;
  if (at >= 3 && o[at - 3] != ' ' && o[at - 3] != '\n' && o[at - 3] != '(') return;
  const char v = static_cast<char>(o[at] | 0x20);
  if (v != 'a' && v != 'e' && v != 'i' && v != 'o' && v != 'u') return;
  const Sv rest(o.data() + at, o.size() - at);
  for (Sv w : {Sv("one"), Sv("uni"), Sv("use"), Sv("eu"), Sv("Eu"), Sv("usu")}) {
    if (rest.substr(0, w.size()) == w) return;
  }
  o.insert(at - 1, 'n');
}

}  // namespace

namespace {

// Emit from p[i] on, where p[j] is the next '{'. Out of line: most phrases
// have no slot, and their path (Emit) then needs few registers to save.
[[gnu::noinline]] void EmitFrom(Ctx& c, Sv p, size_t i, size_t j) noexcept {
  for (;;) {
    if (j == Sv::npos) {
      c.out.append(p.data() + i, p.size() - i);
      return;
    }
    if (j + 2 >= p.size() || p[j + 2] != '}') {
      c.out.append(p.data() + i, j + 1 - i);  // a literal brace
      i = j + 1;
    } else {
      c.out.append(p.data() + i, j - i);
      const size_t at = c.out.size();
      EmitSlot(c, p[j + 1]);
      FixArticle(c.out, at);
      i = j + 3;
    }
    if (i >= p.size()) return;
    j = FindChar(p, '{', i);
  }
}

}  // namespace

void Emit(Ctx& c, Sv p) noexcept {
  const size_t j = FindChar(p, '{', 0);
  if (j == Sv::npos) {
    c.out.append(p);
    return;
  }
  EmitFrom(c, p, 0, j);
}

void ResetIds(Ctx& c) noexcept { c.id_have = 0; }

namespace {

// EmitAt; after each piece (literal run or slot value) `stop()` may end the
// text early by returning true.
template <typename Stop>
void EmitAtUntil(Ctx& c, Sv p, Stop&& stop) noexcept {
  size_t i = 0;
  while (i < p.size()) {
    const size_t j = FindChar(p, '@', i);
    if (j == Sv::npos || j + 1 >= p.size()) {
      c.out.append(p.data() + i, p.size() - i);
      stop();
      return;
    }
    c.out.append(p.data() + i, j - i);
    if (stop()) return;
    if (p[j + 1] == '{') {
      // Inline choice @{a|b|c}: find its end and count the options in one
      // pass (they are a few bytes), then copy the drawn one.
      size_t close = j + 2;
      uint32_t options = 1;
      for (; close < p.size() && p[close] != '}'; ++close) options += p[close] == '|';
      if (close == p.size()) {
        c.out.append(p.data() + j, p.size() - j);
        stop();
        return;
      }
      uint32_t want = static_cast<uint32_t>(c.rng.Below(options));
      size_t s = j + 2;
      for (; want > 0; ++s) want -= p[s] == '|';
      size_t e = s;
      while (e < close && p[e] != '|') ++e;
      c.out.append(p.data() + s, e - s);
      if (stop()) return;
      i = close + 1;
      continue;
    }
    EmitAtSlot(c, p[j + 1]);
    if (stop()) return;
    i = j + 2;
  }
}

}  // namespace

void EmitAt(Ctx& c, Sv p) noexcept {
  EmitAtUntil(c, p, [] { return false; });
}

void CodeBare(Ctx& c, size_t budget, bool partial) noexcept {
  const CodeLang& lang = kLangs[LangIndex(c)];
  const size_t start = c.out.size();
  // Abbreviated bodies (body_scale, body_max) stop writing a partial paste
  // where it is cut: at the first line end after at least 3 lines and
  // `budget` characters.
  const bool cut_early = partial && (c.body_scale < 1 || c.body_max != SIZE_MAX);
  uint32_t lines = 0;
  size_t scanned = start + 1;
  bool cut = false;
  auto stop = [&]() noexcept {
    // No line end so far can be `budget` characters in: count them later.
    if (c.out.size() - start <= budget) return false;
    for (size_t q = FindChar(c.out.view(), '\n', scanned); q != Sv::npos;
         q = FindChar(c.out.view(), '\n', q + 1)) {
      if (++lines >= 3 && q - start >= budget) {
        c.out.resize(q);
        cut = true;
        return true;
      }
    }
    scanned = std::max(scanned, c.out.size());
    return false;
  };
  uint32_t units = 0, used = 0;
  while (units == 0 || c.out.size() - start < budget) {
    if (used == (1u << lang.bodies.n) - 1) used = 0;
    uint32_t i = static_cast<uint32_t>(c.rng.Below(lang.bodies.n));
    while (used >> i & 1) i = (i + 1) % lang.bodies.n;
    used |= 1u << i;
    if (units > 0) c.out.append("\n\n");
    ResetIds(c);
    if (cut_early && units == 0) {
      EmitAtUntil(c, lang.bodies[i], stop);
    } else {
      EmitAt(c, lang.bodies[i]);
    }
    if (c.task_body < 0) {
      c.task_body = static_cast<int32_t>(i);
      c.task_id_have = c.id_have;
      std::copy(std::begin(c.ids), std::end(c.ids), std::begin(c.task_ids));
    }
    if (++units > 60 || cut) break;
  }
  // A small budget gets the first lines of one body (a partial paste).
  if (!cut_early && partial && units == 1 && c.out.size() - start > budget + budget / 2) {
    size_t cut = start;
    for (int line = 0; line < 3 && cut != std::string::npos; ++line)
      cut = c.out.find('\n', cut + 1);
    if (cut != std::string::npos && cut - start < budget) cut = c.out.find('\n', start + budget);
    if (cut != std::string::npos) c.out.resize(cut);
  }
}

void Code(Ctx& c, size_t budget, bool partial) noexcept {
  const CodeLang& lang = kLangs[LangIndex(c)];
  c.out.append("```");
  if (!c.casual || c.rng.Chance(0.6)) c.out.append(lang.fence);
  c.out.push_back('\n');
  CodeBare(c, budget > 8 ? budget - 8 : 0, partial);
  c.out.append("\n```");
}

void ErrorLog(Ctx& c, size_t budget) noexcept {
  const CodeLang& lang = kLangs[LangIndex(c)];
  const size_t start = c.out.size();
  EmitAt(c, Pick(c.rng, lang.errors));
  if (budget < 160) {
    // Keep only the line that names the error.
    size_t keep_b = start, keep_e = c.out.size();
    for (size_t b = start; b < c.out.size();) {
      size_t e = c.out.find('\n', b);
      if (e == std::string::npos) e = c.out.size();
      const Sv line(c.out.data() + b, e - b);
      if (line.find("rror") != Sv::npos || line.find("xception") != Sv::npos ||
          line.find("panic") != Sv::npos || line.find("fatal") != Sv::npos) {
        keep_b = b;
        keep_e = e;
        break;
      }
      b = e + 1;
    }
    c.out.resize(keep_e);
    c.out.erase(start, keep_b - start);
    return;
  }
  c.out.insert(start, "```\n");
  c.out.append("\n```");
}

// The table that fits each data-analysis topic (same order as kTopicData).
constexpr uint8_t kDataTopicSchema[] = {1, 5, 2, 0, 3, 4, 5, 7, 6, 8, 1,
                                        2, 5, 1, 0, 5, 9, 7, 1, 3, 4, 0};
static_assert(std::size(kDataTopicSchema) == std::size(kTopicData));

void Csv(Ctx& c, size_t budget) noexcept {
  uint32_t si = static_cast<uint32_t>(c.rng.Below(std::size(kCsv)));
  if (c.cap == Capability::kDataAnalysis && (c.have >> ('T' - 'A') & 1)) {
    si = kDataTopicSchema[c.val['T' - 'A'] % std::size(kDataTopicSchema)];
  }
  const CsvSchema& s = kCsv[si];
  const size_t start = c.out.size();
  const bool fenced = c.rng.Chance(0.5);
  if (fenced) c.out.append("```csv\n");
  c.out.append(s.header);
  uint32_t rows = 0;
  const uint32_t min_rows = budget < 120 ? 2 : 3;
  while (rows < min_rows || c.out.size() - start < budget) {
    c.out.push_back('\n');
    EmitAt(c, s.row);
    if (++rows > 500) break;
  }
  if (fenced) c.out.append("\n```");
}

void SqlSchema(Ctx& c) noexcept {
  c.out.append("```sql\n");
  c.out.append(Pick(c.rng, Of(kSchemas)));
  c.out.append("\n```");
}

void Problem(Ctx& c, size_t budget) noexcept {
  const size_t start = c.out.size();
  uint32_t units = 0;
  uint64_t used = 0;
  constexpr uint32_t kN = std::size(kProblems);
  static_assert(kN <= 64);
  while (units == 0 || (c.out.size() - start < budget && units < kN)) {
    if (units == 1) c.out.insert(start, "1. ");
    if (units > 0) {
      c.out.append("\n\n");
      AppendUint(c.out, units + 1);
      c.out.append(". ");
    }
    uint32_t i = static_cast<uint32_t>(c.rng.Below(kN));
    while (used >> i & 1) i = (i + 1) % kN;
    used |= uint64_t{1} << i;
    ResetIds(c);
    EmitAt(c, kProblems[i]);
    ++units;
  }
}

// Sentences of `l` in paragraphs of a few hundred characters until `budget`;
// no sentence repeats before the list is used up.
void Paragraphs(Ctx& c, List l, size_t budget, uint32_t min_units) noexcept {
  const size_t start = c.out.size();
  const uint32_t n = std::min<uint32_t>(l.n, 64);
  uint64_t used = 0;
  uint32_t units = 0, in_para = 0, used_count = 0;
  size_t para_start = start;
  const size_t para_len = 250 + static_cast<size_t>(c.rng.Below(350));
  while (units < min_units || c.out.size() - start < budget) {
    if (used_count == n) {
      used = 0;
      used_count = 0;
    }
    uint32_t i = static_cast<uint32_t>(c.rng.Below(n));
    while (used >> i & 1) i = (i + 1) % n;
    used |= uint64_t{1} << i;
    ++used_count;
    if (in_para > 0 && c.out.size() - para_start >= para_len) {
      c.out.append("\n\n");
      para_start = c.out.size();
      in_para = 0;
    } else if (in_para > 0) {
      c.out.push_back(' ');
    }
    Emit(c, l[i]);
    ++in_para;
    if (++units > 200) break;
  }
}

void ContextProse(Ctx& c, size_t budget) noexcept {
  Paragraphs(c, kContext[static_cast<size_t>(c.cap) % std::size(kContext)], budget, 1);
}

void Draft(Ctx& c, size_t budget) noexcept { Paragraphs(c, Of(kDraft), budget, 2); }

// Long messages run to several paragraphs (an angry customer, a thread).
void CustomerText(Ctx& c, size_t budget) noexcept { Paragraphs(c, Of(kCustomer), budget, 1); }

void ToolListing(Ctx& c) noexcept { Emit(c, "Available tools: {M}."); }

void Observation(Ctx& c, size_t budget) noexcept {
  FillFrom(c, Of(kObservation), "\n", budget, 1, false, true);
}

void OriginalRequest(Ctx& c) noexcept { Emit(c, Pick(c.rng, Of(kOriginal))); }

void PlanNotes(Ctx& c, size_t budget) noexcept {
  const size_t start = c.out.size();
  FillFrom(c, Of(kPlanNotes), "\n", budget, 2, false);
  const size_t used = c.out.size() - start;
  if (used + 200 < budget) {
    // Longer briefs continue with prose background.
    c.out.append("\n\n");
    ContextProse(c, budget - used);
  }
}

void Answer(Ctx& c, size_t budget) noexcept {
  const size_t start = c.out.size();
  switch (c.cap) {
    case Capability::kSoftwareEngineering:
      c.out.append(Pick(c.rng, Of(kAnsLead)));
      c.out.append("\n\n");
      if (c.task_body >= 0) {
        // The answer revisits the function of the task, same names.
        const CodeLang& lang = kLangs[LangIndex(c)];
        c.id_have = c.task_id_have;
        std::copy(std::begin(c.task_ids), std::end(c.task_ids), std::begin(c.ids));
        c.out.append("```");
        c.out.append(lang.fence);
        c.out.push_back('\n');
        EmitAt(c, lang.bodies[static_cast<uint32_t>(c.task_body) % lang.bodies.n]);
        c.out.append("\n```");
      } else {
        // Whole code unless bodies are abbreviated (body_scale, body_max).
        Code(c, budget > 60 ? budget - 60 : 40, c.body_scale < 1 || c.body_max != SIZE_MAX);
      }
      break;
    case Capability::kAgenticToolUse:
      Emit(c, Pick(c.rng, Of(kAnsAgent)));
      break;
    case Capability::kMathReasoning: {
      // Numbered steps, then a conclusion.
      const size_t avail = budget > 150 ? budget - 150 : 0;
      const uint32_t steps = std::min<uint32_t>(static_cast<uint32_t>(avail / 45), 6);
      uint64_t used = 0;
      for (uint32_t i = 0; i < steps; ++i) {
        uint32_t k = static_cast<uint32_t>(c.rng.Below(std::size(kMathSteps)));
        while (used >> k & 1) k = (k + 1) % std::size(kMathSteps);
        used |= uint64_t{1} << k;
        AppendUint(c.out, i + 1);
        c.out.append(". ");
        c.out.append(kMathSteps[k]);
        c.out.push_back('\n');
      }
      Emit(c, Pick(c.rng, Of(kAnsMath)));
      break;
    }
    case Capability::kDataAnalysis:
      FillFrom(c, Of(kAnsData), " ", budget, 1, false);
      break;
    case Capability::kCreativeWriting:
      FillFrom(c, Of(kAnsCreative), "\n\n", budget, 1, false);
      break;
    case Capability::kPolicySensitive:
      Emit(c, Pick(c.rng, Of(kAnsPolicy)));
      break;
    case Capability::kLongHorizonPlanning:
      if (budget < 200 || c.rng.Chance(0.4)) {
        Emit(c, Pick(c.rng, Of(kAnsPlan)));
      } else {
        FillFrom(c, Of(kPlanSteps), "\n", budget, 3, false);
      }
      break;
    default:
      Emit(c, Pick(c.rng, Of(kAnsChat)));
      if (budget > 160) {
        c.out.push_back(' ');
        FillFrom(c, Of(kChatMore), " ", budget - 120, 1, false);
      }
      break;
  }
  const Sv tail = Pick(c.rng, Of(kAnsTail));
  if (!tail.empty() && c.out.size() - start < budget + 40) {
    c.out.append("\n\n");
    c.out.append(tail);
  }
}

}  // namespace hw::sim::gram
