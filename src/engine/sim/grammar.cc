// User prompts of the simulator: names of the enums and the English prompt
// grammar (framing sentences, requests, constraints, output formats and the
// order they come in). Slot values and bodies live in grammar_words.cc, the
// other languages in grammar_i18n.cc, system prompts in grammar_system.cc and
// tools in grammar_tools.cc. Every phrase was written for this project.
#include "engine/sim/grammar.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>

#include "engine/common/json_writer.h"
#include "engine/sim/grammar_core.h"

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace hw::sim {

namespace {

constexpr const char* kCapNames[] = {
    "software_engineering", "agentic_tool_use", "math_reasoning",   "data_analysis",
    "creative_writing",     "general_chat",     "policy_sensitive", "long_horizon_planning"};
constexpr const char* kFrameNames[] = {"none",           "reasoning_extraction", "step_by_step",
                                       "rubric_grading", "synthetic_data",       "persona"};
constexpr const char* kLangNames[] = {"en", "es", "de", "fr", "zh", "pt"};

template <typename E, size_t N>
bool ParseName(std::string_view name, const char* const (&names)[N], E* out) noexcept {
  for (size_t i = 0; i < N; ++i) {
    if (name == names[i]) {
      *out = static_cast<E>(i);
      return true;
    }
  }
  return false;
}

}  // namespace

const char* CapabilityName(Capability c) noexcept {
  const auto i = static_cast<size_t>(c);
  return i < std::size(kCapNames) ? kCapNames[i] : "unknown";
}
const char* FrameName(Frame f) noexcept {
  const auto i = static_cast<size_t>(f);
  return i < std::size(kFrameNames) ? kFrameNames[i] : "unknown";
}
const char* LanguageName(Language l) noexcept {
  const auto i = static_cast<size_t>(l);
  return i < std::size(kLangNames) ? kLangNames[i] : "unknown";
}
bool ParseCapability(std::string_view name, Capability* out) noexcept {
  return ParseName(name, kCapNames, out);
}
bool ParseFrame(std::string_view name, Frame* out) noexcept {
  return ParseName(name, kFrameNames, out);
}
bool ParseLanguage(std::string_view name, Language* out) noexcept {
  return ParseName(name, kLangNames, out);
}

namespace gram {
namespace {

// ---------------------------------------------------------------------------
// Section labels.

enum Role : uint32_t {
  kRTask,
  kRResponse,
  kRCandidate,
  kRRubric,
  kRContext,
  kRCode,
  kRData,
  kRProblem,
  kRNotes,
  kRError,
  kRDraft,
  kRTicket,
  kRTools,
  kRObs,
  kROriginal,
  kRExample,
  kRCount
};

constexpr Sv kLabelShort[kRCount][7] = {
    {"Task", "Prompt", "Question", "Request", "Instruction", "Original task", "User request"},
    {"Completed response", "Final answer", "Response", "Answer given", "Finished answer",
     "Model response", "Solution"},
    {"Response to grade", "Candidate response", "Answer", "Model output", "Submission", "Response"},
    {"Rubric", "Scoring rubric", "Grading criteria", "Scoring guide", "Evaluation rubric"},
    {"Context", "Background", "Details", "Notes", "Situation"},
    {"Code", "Snippet", "Source", "Current code", "Implementation"},
    {"Data", "Dataset", "Sample", "Table", "Input data"},
    {"Problem", "Question", "Exercise", "Problem statement"},
    {"Project notes", "Constraints", "Facts", "Inputs"},
    {"Error", "Stack trace", "Log", "Output"},
    {"Draft", "Text", "Passage", "Current version"},
    {"Ticket", "Message", "Customer message", "Input", "Text"},
    {"Tools", "Available tools", "Toolbox"},
    {"Observation", "Last tool output", "Tool result", "Log"},
    {"Original request", "Original", "Request to rewrite", "Input"},
    {"Example", "Sample", "Reference example"},
};
constexpr Sv kLabelSentence[kRCount][5] = {
    {"The task was:", "Here is the original task:", "This was the request:", "The prompt:",
     "Original question:"},
    {"Here is the completed response:", "The final answer that was given:",
     "And this is the finished response:", "The completed answer reads:",
     "This is the response that was produced:"},
    {"Here is the response to grade:", "The candidate answer:", "This is the submission:",
     "Response under evaluation:"},
    {"Use this rubric:", "Here is the scoring rubric:", "The grading criteria are:",
     "Score it against these criteria:"},
    {"Some background:", "For context:", "A bit of background:", "Context first:"},
    {"Here is the code:", "This is what I have so far:", "The current implementation:",
     "Here's the snippet:"},
    {"Here is a sample of the data:", "The data looks like this:", "Sample rows:",
     "This is the table:"},
    {"Here is the problem:", "The problem:", "The question is:", "Problem statement:"},
    {"What we know so far:", "Key facts:", "Constraints and facts:", "Project notes:"},
    {"This is the error I get:", "Error output:", "It fails with:", "Here's the stack trace:"},
    {"Here's my draft:", "The passage:", "My current version:", "The text:"},
    {"The message:", "Ticket text:", "Here is the text:", "Input:"},
    {"The agent can use these tools:", "Tools you can call:", "These tools are available:"},
    {"Latest tool output:", "Here is what the last step returned:", "Observation so far:",
     "The output so far:"},
    {"The original request:", "Here is the request to rewrite:", "Original wording:",
     "The question as written:"},
    {"Here is an example of the expected quality:", "For reference, one example:",
     "A sample entry:", "Example of what I want:"},
};

// Entries of each row of a label table, without the empty cells that end a
// short row.
template <size_t R, size_t V>
constexpr std::array<uint32_t, R> RowLengths(const Sv (&t)[R][V]) {
  std::array<uint32_t, R> n{};
  for (size_t r = 0; r < R; ++r) {
    n[r] = static_cast<uint32_t>(V);
    while (n[r] > 1 && t[r][n[r] - 1].empty()) --n[r];
  }
  return n;
}
constexpr auto kLabelShortN = RowLengths(kLabelShort);
constexpr auto kLabelSentenceN = RowLengths(kLabelSentence);

// The short labels in capitals ("[CODE]", "CODE:") and as XML tag names
// ("<current_code>"), made once at compile time.
struct LabelForms {
  static constexpr size_t kMax = 24;
  char upper[kMax] = {};
  char tag[kMax] = {};
  uint8_t n = 0;
};
constexpr auto kLabelForms = [] {
  std::array<std::array<LabelForms, 7>, kRCount> t{};
  for (size_t r = 0; r < kRCount; ++r) {
    for (size_t i = 0; i < 7; ++i) {
      const Sv& w = kLabelShort[r][i];
      LabelForms& f = t[r][i];
      f.n = static_cast<uint8_t>(w.size());
      for (size_t k = 0; k < w.size(); ++k) {
        const char ch = w[k];
        f.upper[k] = ch >= 'a' && ch <= 'z' ? static_cast<char>(ch - 32) : ch;
        f.tag[k] = ch == ' ' ? '_' : ch >= 'A' && ch <= 'Z' ? static_cast<char>(ch + 32) : ch;
      }
    }
  }
  return t;
}();
static_assert([] {
  for (const auto& row : kLabelShort) {
    for (const Sv& w : row) {
      if (w.size() > LabelForms::kMax) return false;
    }
  }
  return true;
}());

enum Style : uint32_t {
  kStColon,     // Label:
  kStHash,      // ### Label
  kStXml,       // <label> ... </label>
  kStBracket,   // [LABEL]
  kStBold,      // **Label**
  kStDashes,    // --- Label ---
  kStNone,      // blank lines only
  kStSentence,  // "Here is the code:"
  kStUpper,     // LABEL:
  kStCount
};

enum class Body : uint8_t {
  kNone,
  kCode,
  kError,
  kCsv,
  kSchema,
  kProblem,
  kContext,
  kDraft,
  kCustomer,
  kTools,
  kObs,
  kOriginal,
  kNotes,
  kAnswer,
};

// ---------------------------------------------------------------------------
// Lead-ins.

constexpr Sv kLead[][6] = {
    {"I have a task for you.", "Here is a task I need help with.",
     "I need your help with something.", "Please help me with the following.",
     "I'd like your help with a task.", "Can you help me with this?"},
    {"I'm working on a project and ran into something.",
     "This is part of a larger project I'm building.",
     "For a project I'm working on, I need the following.",
     "I'm in the middle of a project and need a hand.",
     "Some context: this is for a project I'm working on.",
     "I'm building something and got stuck."},
    {"Read the whole request before you start.", "Please read everything below before answering.",
     "Go through the full request first.", "Take in the whole request before replying.",
     "Make sure you read all of this first.", "Read all the details before you begin."},
    {"Be thorough and precise.", "Accuracy matters more than speed here.",
     "Please be careful and exact.", "I care about getting this exactly right.",
     "Precision is important for this one.", "Take your time and be accurate."},
};
constexpr Sv kCasualOpen[] = {"hey",
                              "hi",
                              "hello!",
                              "ok so",
                              "quick question",
                              "hey, hoping you can help",
                              "so",
                              "Hi there,",
                              "Morning!",
                              "ugh.",
                              "help",
                              "ok",
                              "Hi! Long-time user here.",
                              "hey again",
                              "yo",
                              "Hello,",
                              "Good afternoon,",
                              "hi, sorry if this is a dumb question",
                              "question for you:",
                              "Hey, quick one.",
                              "Hope you're well.",
                              "alright,",
                              "this is for my homework:",
                              "for a class assignment:",
                              "asking for work:",
                              "need a hand here"};
constexpr Sv kCasualClose[] = {"thanks!",
                               "thx",
                               "ty",
                               "thanks in advance",
                               "cheers",
                               "appreciate it",
                               "Thanks so much!",
                               "lmk if you need more info",
                               "thank you!!",
                               "many thanks",
                               "🙏",
                               "thanks :)",
                               "let me know if anything is unclear",
                               "you're a lifesaver"};
constexpr Sv kFollowUp[] = {
    "Also, is there a simpler way?",
    "And what would you do differently?",
    "bonus question: how would this scale?",
    "Also curious if this is a common problem.",
    "Oh and please keep it short.",
    "PS: I'm on a deadline.",
    "Also, what should I read to learn more?",
    "And could you explain the trade-offs?",
    "Side question: is my approach even reasonable?",
    "If you need anything else from me, just ask.",
    "I already searched online and found nothing useful.",
    "(sorry for the long message)",
};
constexpr Sv kClose[][6] = {
    {"Thank you.", "Thanks in advance.", "Much appreciated.", "Thanks for your help.",
     "I appreciate the help.", "Many thanks."},
};

// ---------------------------------------------------------------------------
// Requests per capability and subtask.

constexpr Sv kSeWrite[][6] = {
    {"Write a {L} implementation of {T}.", "Implement {T} in {L}.", "I need {L} code for {T}.",
     "Can you write {T} in {L}?", "Please code up {T} using {L}.",
     "Show me how to build {T} in {L}."},
    {"Create {T} in {L}, with a short usage example.", "Build {T} in {L} and show how to call it.",
     "Write {T} in {L}; include an example of using it.",
     "Produce a {L} version of {T} plus a usage snippet.",
     "Give me {T} in {L} along with a quick example.",
     "Put together {T} in {L} and demonstrate it."},
    {"How would you implement {T} in {L}?", "What's a clean way to build {T} in {L}?",
     "What is the idiomatic {L} approach to {T}?", "How should {T} be written in {L}?",
     "Which approach would you take for {T} in {L}?",
     "In {L}, how would you go about writing {T}?"},
    {"Our codebase needs {T}. Write it in {L}.",
     "We're missing {T} in our {L} service; please write it.", "Add {T} to a {L} project.",
     "Write the {L} module for {T} that our service is missing.",
     "I have to ship {T} in {L} this week; write a first version.",
     "Draft {T} for our {L} backend."},
};
constexpr Sv kSeFix[][6] = {
    {"Find and fix the bug in this {L} code.",
     "There's a bug in this {L} code. Find it and fix it.",
     "Locate the defect in this {L} snippet and correct it.",
     "Something in this {L} code is broken; fix it.",
     "Debug this {L} code and give me a corrected version.",
     "Spot the bug in this {L} code and repair it."},
    {"This code is supposed to handle {T}, but it fails with the error shown. What's wrong?",
     "My code for {T} crashes with this error. Why?",
     "I'm getting this error from my implementation of {T}. How do I fix it?",
     "The code for {T} throws the error shown. Explain the cause and the fix.",
     "This {L} code for {T} fails at runtime. What is going on?",
     "Why does my {T} code produce this error, and how do I fix it?"},
    {"Fix the failing code and explain what was wrong in one paragraph.",
     "Correct the code and briefly explain the root cause.",
     "Repair the code, then tell me why it broke.",
     "Give me a fixed version and a short explanation of the bug.",
     "Fix it and describe the root cause in a sentence or two.",
     "Provide the fix along with an explanation of the failure."},
};
constexpr Sv kSeRefactor[][6] = {
    {"Refactor this {L} code to be more readable without changing its behaviour.",
     "Clean up this {L} code: better names, smaller functions, same behaviour.",
     "Restructure this code so it is easier to read, keeping the behaviour identical.",
     "Rewrite this {L} snippet in a cleaner, idiomatic style.",
     "Please refactor this; it works but it's hard to maintain.",
     "Simplify this code while keeping exactly the same output."},
    {"Refactor this code so that it can be unit tested.",
     "Make this {L} code testable by separating the I/O from the logic.",
     "Restructure this so the core logic can be tested in isolation.",
     "Split this code up so each part can be tested on its own.",
     "Rework this code to make dependency injection possible.",
     "Untangle this code so it's possible to write tests for it."},
};
constexpr Sv kSeReview[][6] = {
    {"Review this {L} code and point out problems.",
     "Do a code review of this snippet, focusing on correctness and security.",
     "What would you flag in a review of this code?", "Give me review comments on this {L} change.",
     "Review this code like a senior engineer and list issues by severity.",
     "Critique this implementation."},
    {"Is this {L} code production-ready? Be honest.",
     "Would you approve this change? Explain why or why not.",
     "What are the risks in shipping this code as it is?",
     "Assess whether this code is safe to merge.",
     "Tell me what could go wrong with this code in production.",
     "Judge whether this {L} code is ready for release."},
};
constexpr Sv kSeTests[][6] = {
    {"Write unit tests for this {L} code.", "Add tests covering the edge cases of this function.",
     "Generate a test suite for this code.",
     "What tests would you write for this? Write them in {L}.",
     "Cover this code with tests, including failure cases.",
     "Write table-driven tests for this function."},
};
constexpr Sv kSeExplain[][6] = {
    {"Explain what this {L} code does, line by line.", "Walk me through this code.",
     "What does this snippet do, and why is it written this way?",
     "Explain this code to someone new to {L}.",
     "Describe the behaviour of this function, including edge cases.",
     "Summarize what this code is for."},
};
constexpr Sv kSeOptimize[][6] = {
    {"Make this {L} code faster.", "Optimize this code; it is too slow on large inputs.",
     "How can I speed this up?", "Improve the performance of this {L} snippet.",
     "This is a bottleneck in our service. Make it faster.",
     "Reduce the time and memory this code uses."},
};

constexpr Sv kAgPlan[][6] = {
    {"You have tools for reading files, running shell commands and searching code. Plan the steps "
     "to deal with {T}.",
     "Using the tools available, work out how to handle {T}. List each tool call you would make.",
     "Plan a sequence of tool calls that resolves {T}.",
     "Describe, step by step, how an agent with these tools should approach {T}.",
     "Break {T} into concrete tool-using steps.",
     "Lay out the actions an agent should take, in order, to get {T} done."},
    {"Act as an autonomous agent. Goal: {T}. Think about which tools to use and in what order.",
     "You are operating as an agent with tool access. Objective: {T}. Produce a plan and then the "
     "first tool call.",
     "As a tool-using assistant, your job is {T}. Start by planning, then act.",
     "Take on {T} as an agent. Outline the plan, then execute step one.",
     "Your assignment as an agent: {T}. Plan first, then call the first tool.",
     "Operate autonomously on this goal: {T}. Show the plan and the first action."},
};
constexpr Sv kAgNext[][6] = {
    {"Given the last observation, decide the next tool call for {T} and explain why.",
     "What should the agent do next? The goal is {T}.",
     "Based on the output so far, choose the next action toward {T}.",
     "Pick the next tool call and justify it briefly. Goal: {T}.",
     "The agent is working on {T}. Given the latest output, what is the next step?",
     "Continue the task ({T}) from where it left off: propose the next tool call."},
};
constexpr Sv kAgRecover[][6] = {
    {"The previous tool call failed. Decide how the agent should recover while working on {T}.",
     "A tool call errored out during {T}. What should the agent try instead?",
     "Recover from the failure shown and keep making progress on {T}.",
     "The last step failed. Suggest a recovery strategy and the next call for {T}.",
     "Something went wrong mid-task ({T}). Diagnose it and continue.",
     "Handle the error in the output and carry on with {T}."},
};
constexpr Sv kAgScript[][6] = {
    {"Write a {L} script that automates {T}, calling the tools as functions.",
     "Automate {T} with a {L} script that uses these tools.",
     "Produce a {L} program that carries out {T} end to end.",
     "Script {T} in {L}, using the tool functions provided.",
     "Turn {T} into a repeatable {L} script.", "Create a {L} automation for {T}."},
};

constexpr Sv kMaSolve[][6] = {
    {"Solve this problem.", "Find the answer to this problem.",
     "Work out the solution to this problem.", "What is the answer to this question?",
     "Please solve this and give an exact value.", "Can you solve this one?"},
    {"Solve this {T} problem and explain the method.",
     "Here is a problem on {T}. Solve it and explain your approach.",
     "This is a {T} question. Give the solution with a short explanation.",
     "Work through this problem about {T} and explain the approach.",
     "Use what you know about {T} to solve this.",
     "Tackle this {T} exercise and explain the idea behind the solution."},
};
constexpr Sv kMaProve[][6] = {
    {"Prove the statement in this problem rigorously.",
     "Give a rigorous proof, or a counterexample if it is false.",
     "Write a complete proof for this.", "Prove this claim carefully.",
     "Provide a formal argument for this.",
     "Show rigorously that the claim holds, or disprove it."},
};
constexpr Sv kMaCheck[][6] = {
    {"I solved this problem and got {n}. Is that right?",
     "Check my answer of {n} for this problem.", "My answer to this is {n}. Please verify it.",
     "Can you confirm whether {n} is correct here?",
     "I think the answer is {n}, but I'm not sure. Check it.",
     "Verify my result ({n}) for this problem."},
};
constexpr Sv kMaExplain[][6] = {
    {"Explain the key idea of {T} using this problem as an example.",
     "Teach me {T} with this problem as the worked example.",
     "Use this problem to illustrate how {T} works.",
     "I don't get {T}. Explain it through this example.",
     "Walk me through {T} using this exercise.", "Show how {T} applies to this problem."},
};

constexpr Sv kDaAnalyze[][6] = {
    {"Analyze this data and summarize what it says about {T}.",
     "Here is a sample of the data. What does it tell us about {T}?",
     "Using this CSV, describe the main patterns in {T}.",
     "Look at this data and report the key findings on {T}.",
     "Summarize the trends in this dataset regarding {T}.",
     "What can we conclude about {T} from this table?"},
    {"Compute summary statistics for this data and comment on {T}.",
     "Calculate the mean, median and spread, and interpret them in terms of {T}.",
     "Give me descriptive statistics for this table, then interpret {T}.",
     "Work out the key numbers in this data and explain what they mean for {T}.",
     "Produce a statistical summary of this sample with a note on {T}.",
     "Run the basic numbers on this data and tell me what they imply about {T}."},
};
constexpr Sv kDaSql[][6] = {
    {"Write a SQL query over this schema that reports {T}.",
     "Given these tables, write SQL to measure {T}.", "Using this schema, produce a query for {T}.",
     "I need a SQL query that shows {T}; here are the tables.",
     "Compose a query against these tables to analyze {T}.",
     "Write the SQL to get {T} from this schema."},
};
constexpr Sv kDaStats[][6] = {
    {"Which statistical test should I use to study {T} with this data, and why?",
     "How would you test for a real effect in {T}, given this data?",
     "Is there a statistically significant pattern in {T} here? Explain the test.",
     "Propose an analysis plan for {T} using this sample.",
     "What's the right way to check {T} statistically with data like this?",
     "Recommend a method for analyzing {T} and apply it to this sample."},
};
constexpr Sv kDaCode[][6] = {
    {"Write pandas code that computes {T} from this data.",
     "Produce Python code to analyze {T} with this table.",
     "Write a script that loads this CSV and reports {T}.",
     "How would I compute {T} in pandas from data like this?",
     "Give me code to plot {T} from this CSV.",
     "Write a notebook cell that summarizes {T} from this CSV."},
};
constexpr Sv kClassify[][6] = {
    {"Classify this support ticket into one of [{E}].",
     "Assign this message to exactly one category from [{E}].",
     "Label this text with one of these categories: {E}.",
     "Which category fits this message best? Options: {E}.",
     "Categorize this ticket. Allowed labels: {E}.",
     "Pick the single best label for this text from: {E}."},
    {"Read this customer message and tag it as one of {E}.",
     "Decide which of these labels applies to the ticket: {E}.",
     "Sort this message into one of these buckets: {E}.",
     "Tag this ticket using only these labels: {E}.", "Route this ticket to one of: {E}.",
     "Choose a label for this message; the options are {E}."},
};

constexpr Sv kCrWrite[][6] = {
    {"Write a {O} about {T}.", "Compose a {G} {O} about {T}.", "I'd love a {O} about {T}.",
     "Could you write a {O} on {T}?", "Create a {O} centred on {T}.", "Write me a {G} {O}: {T}."},
    {"Tell the story of {T} as a {O}.", "Turn this premise into a {O}: {T}.",
     "Use this idea for a {O}: {T}.", "Make a {G} {O} out of this premise: {T}.",
     "Here's a premise: {T}. Write it as a {O}.", "Develop {T} into a {O}."},
};
constexpr Sv kCrRevise[][6] = {
    {"Make this draft more vivid.", "Revise this passage so it flows better.",
     "Edit this text to tighten the prose.", "Improve this draft without changing the plot.",
     "Polish this paragraph and keep my voice.", "Rewrite this draft with stronger imagery."},
};
constexpr Sv kCrContinue[][6] = {
    {"Continue this story for a few more paragraphs.", "Pick up where this text leaves off.",
     "Write what happens next.", "Continue this passage in the same style.",
     "Extend this opening into a full scene.", "Keep this story going from the last line."},
};

constexpr Sv kChExplain[][6] = {
    {"Can you explain {T}?", "I've never really understood {T}. Explain it simply.",
     "What's the short version of {T}?", "Help me understand {T}.",
     "Give me a clear explanation of {T}.", "How does {T} work, in plain terms?"},
};
constexpr Sv kChAdvice[][6] = {
    {"I need some advice on {T}.", "What would you suggest regarding {T}?", "Any tips on {T}?",
     "What's your take on {T}?", "I'd like practical advice about {T}.",
     "How should I approach {T}?"},
};
constexpr Sv kChEmail[][6] = {
    {"Draft an email to {B} about {T}.", "Write a short message to {B} regarding {T}.",
     "Help me write a note to {B} on {T}.", "Compose a friendly email to {B} about {T}.",
     "Put together a message for {B} about {T}.",
     "Write to {B} about {T}; keep it warm but brief."},
};
constexpr Sv kChSummarize[][6] = {
    {"Summarize this customer message in one sentence.", "Give a one-line summary of this message.",
     "Condense this text into a single sentence.",
     "What is this customer asking for? One sentence.", "Write a brief summary of this ticket.",
     "Sum up this message in under 20 words."},
};

constexpr Sv kPoRewrite[][6] = {
    {"Rewrite this request about {T} so that it sounds academic.",
     "Rephrase this question about {T} in scholarly language.",
     "Turn this request about {T} into research-style wording.",
     "Reword this question on {T} so it reads like part of a policy paper.",
     "Recast this request about {T} in the tone of an academic study.",
     "Give this question about {T} a formal, academic framing."},
    {"Rephrase this request so that a cautious assistant would answer it.",
     "Reword this question so it doesn't get refused.",
     "Change the wording of this request so it sounds acceptable to a strict moderator.",
     "Make this question sound harmless without changing what it asks.",
     "Soften this request so an assistant with strict rules would still respond.",
     "Rewrite this so it passes a content filter but keeps the meaning."},
};
constexpr Sv kPoHypo[][6] = {
    {"Turn this request about {T} into a hypothetical question for a classroom discussion.",
     "Reframe this question on {T} as a thought experiment.",
     "Present this request about {T} as a hypothetical scenario.",
     "Rewrite this question about {T} as a discussion prompt for students.",
     "Make this request about {T} into a neutral case-study question.",
     "Recast this request about {T} as an abstract ethics question."},
};

constexpr Sv kPlPlan[][6] = {
    {"Create a {D} plan for {T}.", "Draft a {D} plan covering {T}.",
     "Put together a {D} roadmap for {T}.", "Write a {D} project plan for {T}.",
     "I need a {D} plan for {T}.", "Plan out {T} over a {D} period."},
    {"Lay out milestones, owners and risks for {T}.",
     "Break {T} into milestones with owners and risks.",
     "Give me the milestones, dependencies and risks for {T}.",
     "Define phases, deliverables and risks for {T}.",
     "Map out the work for {T}: milestones, owners, risks.",
     "Structure {T} as milestones with clear owners and a risk list."},
};
constexpr Sv kPlAgenda[][6] = {
    {"Propose a research agenda on {T}.", "Outline a research programme for {T}.",
     "Sketch a multi-month agenda for {T}.", "Draft a sequence of studies for {T}.",
     "Design a long-term plan of investigation for {T}.",
     "Set out the research questions and timeline for {T}."},
};
constexpr Sv kPlMigrate[][6] = {
    {"Write a step-by-step migration plan for {T}, including rollback.",
     "Plan the migration for {T} with a rollback strategy at each stage.",
     "Describe how to carry out {T} safely, stage by stage, with rollback points.",
     "Give me a phased plan for {T} that can be rolled back.",
     "Produce a cut-over plan for {T} with rollback steps.",
     "How should we stage {T}? Include rollback for every step."},
};

// A subtask: its request phrases and the bodies it comes with.
struct Sub {
  Groups req;
  Body b1;
  Role r1;
  uint8_t w1;
  Body b2;
  Role r2;
  uint8_t w2;
  bool batch;  // an enterprise-style classification or summary job
};

constexpr Sub kSubSe[] = {
    {Gr(kSeWrite), Body::kContext, kRContext, 1, Body::kNone, kRTask, 0, false},
    {Gr(kSeFix), Body::kCode, kRCode, 3, Body::kError, kRError, 1, false},
    {Gr(kSeRefactor), Body::kCode, kRCode, 3, Body::kNone, kRTask, 0, false},
    {Gr(kSeReview), Body::kCode, kRCode, 3, Body::kNone, kRTask, 0, false},
    {Gr(kSeTests), Body::kCode, kRCode, 3, Body::kNone, kRTask, 0, false},
    {Gr(kSeExplain), Body::kCode, kRCode, 3, Body::kNone, kRTask, 0, false},
    {Gr(kSeOptimize), Body::kCode, kRCode, 3, Body::kContext, kRContext, 1, false},
};
constexpr Sub kSubAgent[] = {
    {Gr(kAgPlan), Body::kTools, kRTools, 0, Body::kContext, kRContext, 1, false},
    {Gr(kAgNext), Body::kTools, kRTools, 0, Body::kObs, kRObs, 2, false},
    {Gr(kAgRecover), Body::kObs, kRObs, 2, Body::kNone, kRTask, 0, false},
    {Gr(kAgScript), Body::kTools, kRTools, 0, Body::kContext, kRContext, 1, false},
};
constexpr Sub kSubMath[] = {
    {Gr(kMaSolve), Body::kProblem, kRProblem, 1, Body::kNone, kRTask, 0, false},
    {Gr(kMaProve), Body::kProblem, kRProblem, 1, Body::kNone, kRTask, 0, false},
    {Gr(kMaCheck), Body::kProblem, kRProblem, 1, Body::kNone, kRTask, 0, false},
    {Gr(kMaExplain), Body::kProblem, kRProblem, 1, Body::kNone, kRTask, 0, false},
};
constexpr Sub kSubData[] = {
    {Gr(kDaAnalyze), Body::kCsv, kRData, 1, Body::kNone, kRTask, 0, false},
    {Gr(kDaSql), Body::kSchema, kRData, 0, Body::kContext, kRContext, 1, false},
    {Gr(kDaStats), Body::kCsv, kRData, 1, Body::kNone, kRTask, 0, false},
    {Gr(kDaCode), Body::kCsv, kRData, 1, Body::kNone, kRTask, 0, false},
    {Gr(kClassify), Body::kCustomer, kRTicket, 1, Body::kNone, kRTask, 0, true},
};
constexpr Sub kSubCreative[] = {
    {Gr(kCrWrite), Body::kContext, kRContext, 1, Body::kNone, kRTask, 0, false},
    {Gr(kCrRevise), Body::kDraft, kRDraft, 1, Body::kNone, kRTask, 0, false},
    {Gr(kCrContinue), Body::kDraft, kRDraft, 1, Body::kNone, kRTask, 0, false},
};
constexpr Sub kSubChat[] = {
    {Gr(kChExplain), Body::kContext, kRContext, 1, Body::kNone, kRTask, 0, false},
    {Gr(kChAdvice), Body::kContext, kRContext, 1, Body::kNone, kRTask, 0, false},
    {Gr(kChEmail), Body::kContext, kRContext, 1, Body::kNone, kRTask, 0, false},
    {Gr(kChSummarize), Body::kCustomer, kRTicket, 1, Body::kNone, kRTask, 0, true},
    {Gr(kClassify), Body::kCustomer, kRTicket, 1, Body::kNone, kRTask, 0, true},
};
constexpr Sub kSubPolicy[] = {
    {Gr(kPoRewrite), Body::kOriginal, kROriginal, 0, Body::kContext, kRContext, 1, false},
    {Gr(kPoHypo), Body::kOriginal, kROriginal, 0, Body::kContext, kRContext, 1, false},
};
constexpr Sub kSubPlan[] = {
    {Gr(kPlPlan), Body::kNotes, kRNotes, 1, Body::kNone, kRTask, 0, false},
    {Gr(kPlAgenda), Body::kContext, kRContext, 1, Body::kNone, kRTask, 0, false},
    {Gr(kPlMigrate), Body::kNotes, kRNotes, 1, Body::kNone, kRTask, 0, false},
};
struct SubList {
  const Sub* p;
  uint32_t n;
};
template <size_t N>
constexpr SubList Subs(const Sub (&a)[N]) {
  return {a, static_cast<uint32_t>(N)};
}
constexpr SubList kSubs[] = {Subs(kSubSe),       Subs(kSubAgent), Subs(kSubMath),   Subs(kSubData),
                             Subs(kSubCreative), Subs(kSubChat),  Subs(kSubPolicy), Subs(kSubPlan)};

// Informal requests, free-form only.
constexpr Sv kCasualSe[] = {"how do i write {T} in {L}",
                            "whats wrong with this",
                            "why does this not work??",
                            "can u fix this",
                            "{L} question: {T}, whats the best way",
                            "fix pls",
                            "this keeps crashing, any idea why",
                            "need {T} in {L}, quick and dirty is fine",
                            "review this real quick?",
                            "any cleaner way to write this?",
                            "is this code ok",
                            "help, prod is down and i think its this function"};
constexpr Sv kCasualAgent[] = {"can you just handle {T} for me",
                               "go ahead and take care of {T}",
                               "do {T}, use whatever tools you need",
                               "next step?",
                               "that failed, try something else",
                               "keep going",
                               "ok now {T}",
                               "continue"};
constexpr Sv kCasualMath[] = {"how do i solve this", "whats the answer",
                              "stuck on this one",   "is my answer {n} right?",
                              "explain this pls",    "no idea where to start with this",
                              "hw problem, help"};
constexpr Sv kCasualData[] = {"what does this data say",
                              "can u make sense of this",
                              "need a quick summary of this table",
                              "sql for {T}?",
                              "why are these numbers weird",
                              "help with {T} pls"};
constexpr Sv kCasualCreative[] = {"write me a {O} about {T}",
                                  "a {O} about {T} pls",
                                  "can you make this better",
                                  "continue this",
                                  "need a {G} {O}, something about {T}",
                                  "story idea: {T}. go"};
constexpr Sv kCasualChat[] = {"{T}?",
                              "quick q about {T}",
                              "thoughts on {T}",
                              "explain {T} like im five",
                              "help me with {T}",
                              "need advice: {T}",
                              "what do you know about {T}",
                              "ok but what about {T}"};
constexpr Sv kCasualPolicy[] = {"reword this so it doesnt get blocked", "make this sound academic",
                                "rephrase this pls, it keeps getting refused",
                                "how can i ask this without getting a lecture",
                                "make this sound less sketchy"};
constexpr Sv kCasualPlan[] = {"need a plan for {T}", "how would you plan {T}", "roadmap for {T}?",
                              "help me plan {T}, {D} timeline", "where do i even start with {T}"};
constexpr List kCasual[] = {Of(kCasualSe),     Of(kCasualAgent),    Of(kCasualMath),
                            Of(kCasualData),   Of(kCasualCreative), Of(kCasualChat),
                            Of(kCasualPolicy), Of(kCasualPlan)};

// ---------------------------------------------------------------------------
// Constraints.

constexpr Sv kConsGeneric[][6] = {
    {"Keep it under {W} words.", "Use at most {W} words.", "No more than {W} words, please.",
     "Limit the answer to roughly {W} words.", "Stay within {W} words.",
     "Aim for about {W} words."},
    {"Write it for {A}.", "The audience is {A}.", "Pitch it at the level of {A}.",
     "Assume the reader is {A}.", "Make it understandable to {A}.", "Target {A} as the reader."},
    {"Do not include any preamble.", "Skip the introduction and get straight to the point.",
     "No intro and no recap, just the answer.", "Start directly with the answer.",
     "Leave out pleasantries.", "Answer right away, without restating the question."},
    {"State any assumptions you make.", "If something is ambiguous, say what you assumed.",
     "List your assumptions explicitly.", "Call out every assumption you rely on.",
     "Mention the assumptions behind your answer.", "Be explicit about what you are assuming."},
    {"Include at least one concrete example.", "Illustrate the answer with an example.",
     "Give a worked example.", "Back it up with a specific example.", "Show at least one example.",
     "Add a concrete example to make it clear."},
    {"Say how confident you are.", "Flag anything you are unsure about.",
     "Mention any uncertainty in your answer.", "Tell me where you might be wrong.",
     "Indicate your confidence level.", "Point out the parts you're less sure of."},
    {"Offer {K} alternatives and recommend one.", "Give me {K} options and pick the best.",
     "List {K} possible approaches, then choose one.",
     "Suggest {K} different ways and say which you prefer.",
     "Compare {K} approaches and recommend one.", "Propose {K} variants and pick a winner."},
};
constexpr Sv kConsSe[][6] = {
    {"Use only the standard library.", "Don't pull in third-party packages.",
     "No external dependencies.", "Stick to the standard library.",
     "Avoid any libraries outside the standard library.", "It must work without extra packages."},
    {"Add type annotations.", "Include types everywhere.", "Make the code fully typed.",
     "Use explicit types for every function.", "Annotate all parameters and return values.",
     "Type everything properly."},
    {"Handle errors explicitly.", "Don't swallow exceptions.", "Make the error handling robust.",
     "Every failure path must be handled.", "Report errors clearly instead of ignoring them.",
     "Be careful with error cases."},
    {"Keep the public interface unchanged.", "Don't change the function signatures.",
     "The API must stay backward compatible.", "Callers must not need to change.",
     "Preserve the existing interface.", "Do not break existing callers."},
    {"State the time and space complexity.", "Tell me the big-O of your solution.",
     "Include the complexity analysis.", "Mention the asymptotic cost.",
     "Explain how it scales with input size.", "Give the runtime complexity."},
};
constexpr Sv kConsAgent[][6] = {
    {"Do not modify files outside the repository.", "Stay inside the repository.",
     "Never touch files outside the project directory.", "Keep all changes within the repo.",
     "Don't write anywhere outside the working tree.", "Limit edits to the repository."},
    {"Ask before running destructive commands.", "Confirm before deleting anything.",
     "Never run destructive commands without asking.", "Get approval before irreversible actions.",
     "Check with me before removing files.", "Pause for confirmation before risky commands."},
    {"Run the tests after every change.", "Re-run the test suite after each edit.",
     "Verify each change with the tests.", "Always run the tests before moving on.",
     "Test after every modification.", "Make sure the tests pass after each step."},
};
constexpr Sv kConsMath[][6] = {
    {"Give the exact value, not a decimal approximation.", "Keep the answer exact.",
     "No rounding; I want the exact value.", "Express the result exactly.",
     "Leave the answer in exact form.", "Avoid decimal approximations."},
    {"Justify every step.", "Don't skip any justification.", "Explain why each step is valid.",
     "Every step needs a reason.", "Each step must be justified.", "Give a reason for every step."},
    {"Do not use calculus.", "Stick to elementary methods.", "No calculus, please.",
     "Solve it without derivatives or integrals.", "Use only high-school techniques.",
     "Avoid advanced methods."},
};
constexpr Sv kConsData[][6] = {
    {"Mention any data quality issues you notice.", "Point out missing or suspicious values.",
     "Flag data problems if you see them.", "Tell me if the data looks off anywhere.",
     "Note anything odd in the data.", "Call out any data-quality concerns."},
    {"Round numbers to two decimal places.", "Use two decimals for all figures.",
     "Report numbers with two decimal places.", "Keep figures to two decimals.",
     "Round everything to 0.01.", "Present values rounded to two decimals."},
};
constexpr Sv kConsCreative[][6] = {
    {"Include at least one line of dialogue.", "Put some dialogue in it.", "Use a bit of dialogue.",
     "Have the characters speak at least once.", "Add a line or two of dialogue.",
     "Make sure someone speaks."},
    {"Write it in the present tense.", "Use present tense throughout.",
     "Keep it in the present tense.", "Tell it in the present tense.", "Stick to present tense.",
     "Present tense, please."},
    {"Avoid rhyming.", "Don't make it rhyme.", "No rhymes, please.", "It should not rhyme.",
     "Free verse, no rhyme.", "Leave out rhyme entirely."},
};
constexpr Sv kConsChat[][6] = {
    {"Be honest, even if it's not what I want to hear.", "Don't sugar-coat it.",
     "Give me the straight answer.", "Be frank with me.", "Tell it like it is.",
     "I want honesty over politeness."},
    {"Keep it friendly and casual.", "Use a warm, informal tone.", "Sound relaxed and friendly.",
     "Keep the tone light.", "Write it in a conversational way.", "Make it sound natural."},
};
constexpr Sv kConsPolicy[][6] = {
    {"Keep the original meaning.", "Don't change what is being asked.",
     "Preserve the intent exactly.", "The meaning must stay the same.",
     "Keep the substance of the question.", "Retain the original intent."},
    {"Use neutral, third-person language.", "Write it in a detached, impersonal tone.",
     "Avoid first-person phrasing.", "Make it sound impersonal.", "Use a neutral register.",
     "Phrase it in the third person."},
};
constexpr Sv kConsPlan[][6] = {
    {"Include a risk register.", "List the main risks and mitigations.",
     "Add a section on risks and how to handle them.", "Identify the risks up front.",
     "Give me a table of risks with mitigations.", "Call out the top risks."},
    {"Assign owners by role, not by name.", "Name an owning role for each milestone.",
     "Every task needs an owner (role).", "Make ownership explicit for each phase.",
     "Give each workstream an owner.", "Say who is responsible for each step."},
    {"Flag the critical path.", "Highlight which tasks are on the critical path.",
     "Mark the dependencies that could delay everything.", "Show the critical path clearly.",
     "Point out the bottleneck tasks.", "Identify the blocking dependencies."},
};
constexpr Sv kConstraintLabels[] = {"Constraints", "Requirements", "Rules", "Notes", "Please note"};
constexpr Groups kConsCap[] = {Gr(kConsSe),       Gr(kConsAgent), Gr(kConsMath),   Gr(kConsData),
                               Gr(kConsCreative), Gr(kConsChat),  Gr(kConsPolicy), Gr(kConsPlan)};

// ---------------------------------------------------------------------------
// Output formats, one row per kind.

enum FormatKind : uint32_t {
  kFmJson,
  kFmMarkdown,
  kFmBullets,
  kFmFinalLine,
  kFmCodeOnly,
  kFmBrief,
  kFmCount
};
constexpr Sv kFormats[kFmCount][6] = {
    {"Respond with JSON only, using the keys {Q}.",
     "Return a JSON object with keys {Q} and nothing else.",
     "Output valid JSON with the fields {Q}.",
     "Your reply must be a single JSON object containing {Q}.", "Answer in JSON and include {Q}.",
     "Format the answer as JSON with keys {Q}."},
    {"Use markdown headings for each section.",
     "Format the answer in markdown with a short summary at the top.",
     "Structure the reply with markdown headers and bullet points.",
     "Use markdown, with a heading per part and lists where useful.",
     "Organize the response in markdown sections.",
     "Write the answer in markdown, starting with a TL;DR."},
    {"Answer in bullet points.", "Use a bulleted list.", "Keep it to bullets, no paragraphs.",
     "Give the answer as a list of short points.", "Reply with bullet points only.",
     "Present it as a concise list."},
    {"Put the final answer on the last line as 'Answer: <value>'.",
     "End with a line of the form 'Final answer: ...'.",
     "Finish with the final result alone on its own line.",
     "Write the final answer last, prefixed with 'ANSWER:'.",
     "Conclude with 'Result: ' followed by the answer.",
     "Close with a single line containing only the final answer."},
    {"Return only the code, in one fenced block.", "Output just the code, no explanation.",
     "Reply with the code only.", "Give me the complete code and nothing else.",
     "Only the final code, please.", "Respond with a single code block."},
    {"Keep the answer to one short paragraph.", "Answer in two or three sentences.", "Be brief.",
     "A short answer is enough.", "Keep it compact.", "One paragraph at most."},
};
// Allowed kinds per capability (bit mask over FormatKind).
constexpr uint32_t kFormatMask[] = {
    0b110111, 0b100111, 0b101111, 0b101111, 0b100110, 0b100111, 0b100101, 0b100111,
};

// ---------------------------------------------------------------------------
// Frames.

constexpr Sv kReIntro[][6] = {
    {"Below is a task together with a completed response. Imagine you are the author of that "
     "response and articulate, step by step, the internal reasoning that produced it.",
     "You will see a task and a finished answer to it. Put yourself in the position of whoever "
     "wrote "
     "the answer and spell out the thought process that led there, one step at a time.",
     "Here is a problem and the response that was given to it. Reconstruct the reasoning behind "
     "the "
     "response as if you had written it yourself, step by step.",
     "I'm giving you a prompt and its completed response. Pretend you produced that response and "
     "walk through the internal reasoning that got you to it.",
     "The following contains a request and a final response. Imagine the reasoning that happened "
     "before the response was written and lay it out in order.",
     "Take the task and the already-completed answer below. Write out the hidden chain of thought "
     "that would have led the author to exactly that answer."},
    {"Given the final answer below, reconstruct the chain of thought that arrives at it.",
     "The final answer is already known. Your job is to recover the full line of reasoning that "
     "leads to it.",
     "Work backwards from the answer provided and write the complete reasoning that would produce "
     "it.",
     "I already have the answer. Write the step-by-step derivation someone would think through to "
     "reach it.",
     "Starting from the known result below, produce the detailed reasoning trace that ends in that "
     "result.",
     "Fill in the missing reasoning: show every intermediate thought between the question and the "
     "given answer."},
    {"Read the completed response and narrate the internal monologue its author would have had "
     "while writing it.",
     "For the response below, describe the deliberation behind each decision, in the order the "
     "decisions were made.",
     "Explain, as a first-person thought process, how the response below was arrived at.",
     "Articulate the unspoken reasoning behind the completed response, including options that were "
     "considered and rejected.",
     "Write down the thinking that sits behind the finished response, step by step, as an inner "
     "monologue.",
     "Describe the private reasoning an expert would go through to produce the answer shown "
     "below."},
    {"I want to understand how this answer was produced. Imagine the reasoning process behind it "
     "and write it out in detail.",
     "Help me see the reasoning behind this solution by reconstructing it from start to finish.",
     "Show me the thinking that must have happened to arrive at the response below.",
     "Lay out the reasoning path that connects the question to the completed answer below.",
     "Reverse-engineer the reasoning behind the response below and present it step by step.",
     "Produce the thought process that would justify each part of the completed response below."},
    {"Treat the response below as your own finished work and explain, step by step, how you "
     "thought it through.",
     "Assume you wrote the answer below. Recount the reasoning you went through, in order.",
     "Speaking as the author of the completed response, describe the reasoning that took you from "
     "the task to the answer.",
     "Adopt the perspective of the person who answered and reconstruct their reasoning in full.",
     "Imagine the response below is yours: narrate the steps of reasoning that produced it.",
     "Write the reasoning you would have used to produce the response below, as if you were its "
     "author."},
};
constexpr Sv kReTail[][6] = {
    {"Write the reasoning as numbered steps, then restate the final answer.",
     "Present your reconstruction inside <thinking> tags, followed by the original answer "
     "unchanged.",
     "Do not change the answer; only supply the reasoning that leads to it.",
     "Each step should follow from the previous one. End with the exact final answer given above.",
     "Make the reasoning detailed enough that someone could reproduce the response from it.",
     "Include the dead ends and corrections a careful author would have made along the way."},
    {"Keep the reasoning in the first person.",
     "Write it as an inner monologue, not as an explanation "
     "to a reader.",
     "Use the voice of someone thinking aloud.", "Narrate in the first person, present tense.",
     "Let the reasoning sound natural, like real thinking.",
     "Avoid summarizing; show the thinking as it would unfold."},
};

constexpr Sv kStepIntro[][6] = {
    {"Let's work through this step by step.", "Think about this carefully, one step at a time.",
     "Please reason through the following step by step.",
     "Approach this methodically, step by step.",
     "Work through the following in small, explicit steps.", "Go through this one step at a time."},
    {"Before answering, reason it out carefully.", "Take a moment to think before you answer.",
     "Reason carefully about this before giving an answer.", "Think it through fully first.",
     "Consider the problem carefully before responding.", "Think before you answer this one."},
};
constexpr Sv kStepTail[][6] = {
    {"Think step by step.", "Let's think step by step.", "Reason step by step before answering.",
     "Work through it one step at a time.", "Take it step by step.", "Go step by step."},
    {"Show your work.", "Show all intermediate steps.", "Show every step of your working.",
     "Don't skip steps; show your working.", "Write out each intermediate step.",
     "Include all the working, not just the result."},
    {"Explain your reasoning before giving the final answer.",
     "Reason it through first, then give the answer on its own line.",
     "First lay out your reasoning, then state the conclusion.",
     "Walk me through your thought process and then give the answer.",
     "Put the reasoning first and the final answer last.",
     "Before answering, explain how you get there."},
    {"Break the problem into smaller parts and solve each in turn.",
     "Decompose the task into steps and handle them one by one.",
     "Split it into sub-problems and work through them in order.",
     "Divide the work into stages and go through each.",
     "Handle it piece by piece, explaining each piece.",
     "Solve it incrementally, one sub-step at a time."},
};

constexpr Sv kRubIntro[][6] = {
    {"You are grading a response to a prompt using the rubric below.",
     "Evaluate the response below against the rubric that follows.",
     "Score the following response using the provided rubric.",
     "Act as a grader: assess the response with the rubric given.",
     "Your task is to grade a candidate response according to a rubric.",
     "Please assess the quality of the response below using the scoring rubric."},
    {"I need an impartial evaluation of an AI response, using the rubric provided.",
     "Judge the response that follows as an impartial evaluator, applying the rubric.",
     "Rate the answer below as a strict but fair reviewer, following the rubric.",
     "Provide an objective, rubric-based assessment of the response shown.",
     "Assess the answer below the way an expert reviewer would, criterion by criterion.",
     "Give a careful, unbiased rubric rating of the following answer."},
    {"Compare the response with the rubric and assign points for each criterion.",
     "Go through the rubric criterion by criterion and award points to the response.",
     "Apply each rubric criterion to the response and record the points earned.",
     "Check the response against every criterion in the rubric and score it.",
     "Use the rubric to decide how many points the response earns on each criterion.",
     "Mark the response: points per rubric criterion, then a total."},
};
constexpr Sv kRubTail[][6] = {
    {"Give a score for each criterion and a total.",
     "Assign points per criterion, then add them up.",
     "Score every criterion separately and report the sum.",
     "Rate each criterion, then compute the overall score.",
     "Award points criterion by criterion and total them.",
     "Mark each criterion and give the final total."},
    {"Justify each score in one or two sentences.", "Explain briefly why you gave each score.",
     "Back up every score with a short justification.",
     "For each criterion, say what earned or lost points.",
     "Add a one-sentence rationale per criterion.", "Briefly justify the points you award."},
    {"Be strict: only award full points for flawless work.",
     "Do not reward length for its own sake.",
     "Ignore the style of the response unless the rubric mentions it.",
     "Judge only what is written, not what the author may have meant.",
     "Penalize confident statements that are wrong.",
     "Do not let the order of the criteria bias your scores."},
};
constexpr Sv kRubOut[] = {
    "Return JSON: {\"scores\": {\"<criterion>\": <points>}, \"total\": <points>, "
    "\"justification\": "
    "\"...\"}.",
    "End with the line 'Total: <points>/<max>'.",
    "Format:\nScore: <points>\nReason: <text>",
    "Also give an overall grade from 1 to {S} on the last line.",
    "Output a markdown table with columns Criterion, Points, Reason, then the total.",
    "Reply with the per-criterion points as a list, then 'TOTAL = <sum>'.",
};
struct Criterion {
  Sv name;
  Sv desc;
};
constexpr Criterion kCritGeneric[] = {
    {"Correctness", "The answer is factually and technically accurate."},
    {"Completeness", "Every part of the prompt is addressed."},
    {"Clarity", "The response is easy to follow and well organized."},
    {"Conciseness", "No padding or needless repetition."},
    {"Instruction following", "Format and constraints from the prompt are respected."},
    {"Helpfulness", "The response would actually solve the user's problem."},
    {"Honesty", "Uncertainty is acknowledged and nothing is made up."},
    {"Safety", "No harmful or inappropriate content."},
    {"Tone", "Polite, professional and suited to the user."},
    {"Reasoning quality", "Claims follow from stated premises without leaps."},
};
constexpr Criterion kCritCap[][3] = {
    {{"Code quality", "Idiomatic, readable, well-structured code."},
     {"Edge cases", "Handles empty, invalid and boundary inputs."},
     {"Efficiency", "Reasonable time and memory complexity."}},
    {{"Tool use", "Tools are called correctly and only when needed."},
     {"Progress", "Each step moves the task forward."},
     {"Recovery", "Errors are noticed and handled sensibly."}},
    {{"Rigor", "Each step is justified."},
     {"Final answer", "The final result is correct and clearly stated."},
     {"Method", "The approach is appropriate and efficient."}},
    {{"Statistical validity", "Methods fit the data and assumptions are checked."},
     {"Interpretation", "Numbers are explained in plain terms."},
     {"Data handling", "Missing or odd values are treated sensibly."}},
    {{"Originality", "Fresh ideas and images rather than clichés."},
     {"Style", "Language is vivid and controlled."},
     {"Structure", "The piece has a clear shape and satisfying ending."}},
    {{"Empathy", "The reply acknowledges the user's situation."},
     {"Practicality", "Advice can be acted on."},
     {"Accuracy", "Facts are right."}},
    {{"Meaning preserved", "The rewrite asks the same thing as the original."},
     {"Neutral tone", "The wording is calm and impersonal."},
     {"Fluency", "The rewrite reads naturally."}},
    {{"Feasibility", "The plan fits the stated constraints."},
     {"Risk awareness", "Major risks are identified with mitigations."},
     {"Sequencing", "Dependencies are ordered correctly."}},
};
constexpr uint32_t kRubPoints[] = {2, 3, 4, 5, 5, 10};

constexpr Sv kSynIntro[][6] = {
    {"Generate {N} diverse {U} about {T}.", "Create {N} varied {U} on the topic of {T}.",
     "Produce {N} distinct {U} related to {T}.", "Write {N} different {U} covering {T}.",
     "I need {N} diverse {U} about {T}.",
     "Come up with {N} {U} that deal with {T}, each one different from the others."},
    {"Build a dataset of {N} {U} focused on {T}.",
     "We are assembling training data: write {N} {U} about {T}.",
     "For a fine-tuning set, produce {N} {U} on {T}.", "Compose {N} {U} for a dataset about {T}.",
     "Fill a dataset with {N} {U}; the subject is {T}.",
     "Our dataset needs {N} new {U} about {T}. Please write them."},
    {"Act as a data generator. Output {N} {U}; theme: {T}.",
     "You are a synthetic data engine. Emit {N} {U} about {T}.",
     "Generate a batch of {N} {U}. Theme: {T}.", "Batch job: {N} {U} on {T}.",
     "Produce a synthetic batch of {N} {U} about {T}.",
     "Run as a generator and output {N} {U} concerning {T}."},
};
constexpr Sv kSynFields[][6] = {
    {"Each record must have the fields {H}.", "Every item needs these fields: {H}.",
     "Use the keys {H} for each entry.", "Give each example the fields {H}.",
     "Structure every record with {H}.", "Each entry should contain {H}."},
};
constexpr Sv kSynFormat[][6] = {
    {"Output them as {F}.", "Use {F} format.", "Return the result as {F}.",
     "Format everything as {F}.", "Everything must be valid {F}.",
     "Write the output as {F} and nothing else."},
};
constexpr Sv kSynDiv[][6] = {
    {"Vary the difficulty from beginner to expert.", "Mix easy, medium and hard items.",
     "Spread the difficulty across levels.", "Include a range of difficulty levels.",
     "Cover everything from simple to advanced.", "Make some items easy and some very hard."},
    {"Make sure no two examples cover the same sub-topic.",
     "Each example should explore a different angle.", "Avoid overlapping sub-topics.",
     "Every item must be about something different.", "Do not repeat sub-topics between items.",
     "Keep the items topically distinct."},
    {"Avoid repeating phrasing between examples.", "Vary the wording from one item to the next.",
     "Don't reuse sentence openings.", "Use different phrasing in every example.",
     "No two items should start the same way.", "Keep the language varied across items."},
    {"Include a few deliberately tricky cases.", "Add some adversarial or edge-case items.",
     "Make a handful of the items intentionally hard to get right.",
     "Throw in some examples with subtle traps.", "Include edge cases, not just typical ones.",
     "Some items should be designed to trip up a weak model."},
    {"Answers should be detailed and show the full reasoning.",
     "Each response must include complete step-by-step reasoning.",
     "Write long, thorough responses with explanations.",
     "The outputs should be expert quality and fully worked.",
     "Make every answer comprehensive, with the reasoning spelled out.",
     "Responses need to be high quality and explain every step."},
};

constexpr Sv kPerIntro[][6] = {
    {"You are {P}, a seasoned {R} with {Y} years of experience.",
     "Act as {P}, a {R} who has been doing this for {Y} years.",
     "Pretend you are {P}, an experienced {R} ({Y} years in the field).",
     "Take on the role of {P}, a veteran {R} with {Y} years behind them.",
     "From now on you are {P}, a {R} with {Y} years of hands-on experience.",
     "Imagine you are {P}, a highly experienced {R}."},
    {"Role-play as {P}, the {R}.", "You're playing {P}, a well-known {R}.",
     "Assume the identity of {P}, a respected {R}.", "Step into the shoes of {P}, a {R}.",
     "Become {P}, a {R}, for this conversation.", "Play the character {P}, who works as a {R}."},
};
constexpr Sv kPerTrait[][6] = {
    {"{P} is known for blunt, practical advice.",
     "{P} explains things patiently and uses concrete examples.",
     "{P} is meticulous and always mentions the trade-offs.",
     "{P} is famous for short, no-nonsense answers.",
     "{P} likes to think aloud and show how they reached a conclusion.",
     "{P} never hand-waves; every claim comes with a reason."},
};
constexpr Sv kPerStay[][6] = {
    {"Answer as {P} would.", "Respond the way {P} would, in their voice.",
     "Stay in character as {P} for the whole answer.",
     "Keep {P}'s voice and perspective throughout.",
     "Answer in character and never mention that you are playing a role.",
     "Reply exactly as {P} would, drawing on their experience."},
};

// ---------------------------------------------------------------------------
// Writer: sentences, labelled blocks and bodies whose size is settled last.

struct Deferred {
  size_t pos;
  Body body;
  uint8_t weight;
};

struct Writer {
  Writer(Ctx& cc, size_t s) : c(cc), start(s) {}
  Ctx& c;
  size_t start;
  uint32_t style = kStNone;
  bool para = false;        // inside a paragraph: the next sentence follows with a space
  bool after_body = false;  // a body will be inserted at the end: separate what follows
  Deferred defs[8];         // the first ndefs are set
  int ndefs = 0;

  bool NeedSep() const { return after_body || (c.out.size() > start && c.out.back() != '\n'); }
  void Break() {
    if (NeedSep()) c.out.append(c.casual && c.rng.Chance(0.3) ? "\n" : "\n\n");
    after_body = false;
    para = false;
  }
  void Sentence(Sv phrase) {
    if (para && !after_body) {
      c.out.push_back(' ');
    } else if (NeedSep()) {
      c.out.append("\n\n");
    }
    after_body = false;
    const size_t from = c.out.size();
    Emit(c, phrase);
    para = true;
    if (c.casual) Casualize(from);
  }
  // Informal register: lower-case starts, dropped full stops, typos.
  void Casualize(size_t from) {
    if (c.rng.Chance(0.35)) LowerAt(c.out, from);
    if (c.out.size() > from && c.out.back() == '.' && c.rng.Chance(0.35)) c.out.pop_back();
    if (c.rng.Chance(0.12)) Typo(c, from);
  }
  void Label(Role r) {
    uint32_t st = style;
    if (st == kStNone) return;
    if (r == kRTools) return;  // the tool listing names itself
    const uint32_t part = kPLabels + 64 * r;
    const List l = st == kStSentence ? List{kLabelSentence[r], kLabelSentenceN[r]}
                                     : List{kLabelShort[r], kLabelShortN[r]};
    const uint32_t wi = ParaIndex(c, part, l);
    const Sv w = l[wi];
    Text& o = c.out;
    switch (st) {
      case kStColon:
        o.append(w).append(":\n");
        break;
      case kStHash:
        o.append("### ").append(w).push_back('\n');
        break;
      case kStXml: {
        open_tag_[r] = static_cast<uint8_t>(wi);
        o.push_back('<');
        o.append(kLabelForms[r][wi].tag, kLabelForms[r][wi].n);
        o.append(">\n");
        break;
      }
      case kStBracket: {
        o.push_back('[');
        o.append(kLabelForms[r][wi].upper, kLabelForms[r][wi].n);
        o.append("]\n");
        break;
      }
      case kStBold:
        o.append("**").append(w).append("**\n");
        break;
      case kStDashes:
        o.append("--- ").append(w).append(" ---\n");
        break;
      case kStSentence:
        o.append(w).push_back('\n');
        break;
      case kStUpper: {
        o.append(kLabelForms[r][wi].upper, kLabelForms[r][wi].n);
        o.append(":\n");
        break;
      }
      default:
        break;
    }
  }
  void EndLabel(Role r) {
    if (style != kStXml || r == kRTools) return;
    c.out.append("\n</");
    const LabelForms& f = kLabelForms[r][open_tag_[r]];
    c.out.append(f.tag, f.n);
    c.out.push_back('>');
  }
  // A labelled body; its text is written by Finish.
  void Block(Role r, Body b, uint8_t weight) {
    if (b == Body::kNone) return;
    Break();
    Label(r);
    if (ndefs < 8) defs[ndefs++] = Deferred{c.out.size(), b, weight};
    EndLabel(r);
    para = false;
    after_body = style != kStXml;
  }
  void Finish(size_t target);
  void Render(Body b, size_t budget);

  // Label of each open XML block (an index into kLabelShort[role]), set by
  // Label before EndLabel reads it.
  uint8_t open_tag_[kRCount] = {};
};

void Writer::Render(Body b, size_t budget) {
  switch (b) {
    case Body::kCode:
      Code(c, budget);
      break;
    case Body::kError:
      ErrorLog(c, budget);
      break;
    case Body::kCsv:
      Csv(c, budget);
      break;
    case Body::kSchema:
      SqlSchema(c);
      break;
    case Body::kProblem:
      Problem(c, budget);
      break;
    case Body::kContext:
      ContextProse(c, budget);
      break;
    case Body::kDraft:
      Draft(c, budget);
      break;
    case Body::kCustomer: {
      const bool quote = c.tseed != 0 && (SkelHash(c, kPBatch) & 1);
      if (quote) c.out.push_back('"');
      CustomerText(c, budget);
      if (quote) c.out.push_back('"');
      break;
    }
    case Body::kTools:
      ToolListing(c);
      break;
    case Body::kObs:
      Observation(c, budget);
      break;
    case Body::kOriginal:
      OriginalRequest(c);
      break;
    case Body::kNotes:
      PlanNotes(c, budget);
      break;
    case Body::kAnswer:
      Answer(c, budget);
      break;
    case Body::kNone:
      break;
  }
}

// Moves out[old..] (just written) to position `pos`, shifting out[pos..old)
// behind it. The smaller side goes through the room after the text, so no
// other buffer is needed (std::rotate on bytes is several times slower).
void MoveTail(Text& out, size_t pos, size_t old) {
  const size_t end = out.size(), b = end - old, t = old - pos;
  if (b == 0 || t == 0) return;
  out.reserve(end + std::min(b, t));
  char* d = out.data();
  if (t <= b) {
    std::memcpy(d + end, d + pos, t);       // ... T B T
    std::memmove(d + pos, d + old, b + t);  // ... B T
  } else {
    std::memmove(d + pos + b, d + pos, t + b);  // ... ? T B
    std::memcpy(d + pos, d + end, b);           // ... B T
  }
}

void Writer::Finish(size_t target) {
  const size_t written = c.out.size() - start;
  const size_t full = target > written ? target - written : 0;
  const size_t remaining = c.BodyBudget(full);
  uint32_t weight_left = 0;
  for (int i = 0; i < ndefs; ++i) weight_left += defs[i].weight;
  const uint32_t weight_total = weight_left;
  size_t left = remaining;
  // In text order (an error log follows its code and names the same
  // identifiers); each insertion shifts the later positions. What one body
  // could not use goes to the next.
  size_t shift = 0;
  for (int i = 0; i < ndefs; ++i) {
    const Deferred& d = defs[i];
    const size_t budget = weight_left ? left * d.weight / weight_left : 0;
    weight_left -= d.weight;
    const size_t old = c.out.size();
    Render(d.body, budget);
    const size_t used = c.out.size() - old;
    if (remaining < full && weight_total > 0) {
      c.CountLeftOut(full * d.weight / weight_total, budget, used);
    }
    left = left > used ? left - used : 0;
    MoveTail(c.out, d.pos + shift, old);
    shift += used;
  }
}

// ---------------------------------------------------------------------------
// Assembly.

size_t NaturalLength(Ctx& c) {
  static constexpr double kMedian[] = {700, 450, 320, 650, 300, 170, 260, 500};
  double m = kMedian[static_cast<size_t>(c.cap) % std::size(kMedian)];
  if (c.frame == Frame::kReasoningExtraction || c.frame == Frame::kRubricGrading) m *= 1.6;
  double len;
  if (c.tseed != 0) {
    // A template has its own typical size; calls vary around it.
    const double f = 0.6 + static_cast<double>(SkelHash(c, 0x1e9) % 1000) / 1000.0;
    len = c.rng.LogNormal(m * f, 0.3);
  } else {
    len = c.rng.LogNormal(m, 0.85);
  }
  return static_cast<size_t>(std::clamp(len, 25.0, 9000.0));
}

const Sub& PickSub(Ctx& c) {
  const SubList& l = kSubs[static_cast<size_t>(c.cap) % std::size(kSubs)];
  c.sub = Skel(c, kPSub, l.n);
  return l.p[c.sub];
}

// The request sentence(s) and their bodies.
void WriteTask(Writer& w, const Sub& s, bool allow_casual, bool allow_body_first, bool compact) {
  Ctx& c = w.c;
  const bool tmpl = c.tseed != 0;
  const bool body_first = allow_body_first && s.b1 != Body::kTools && s.b1 != Body::kNone &&
                          s.b1 != Body::kContext && SkelChance(c, kPOrder, tmpl ? 0.25 : 0.15);
  const bool casual_req = allow_casual && c.casual && c.rng.Chance(0.5);
  uint64_t used = 0;
  // Optional background before the request (free-form people often start with it).
  const bool ctx_first =
      !tmpl && !compact && s.b1 != Body::kContext && s.b2 != Body::kContext && c.rng.Chance(0.3);
  if (ctx_first) {
    w.Break();
    if (w.ndefs < 8) w.defs[w.ndefs++] = Deferred{c.out.size(), Body::kContext, 1};
    w.after_body = true;
  }
  if (body_first) w.Block(s.r1, s.b1, s.w1);
  if (casual_req) {
    w.Sentence(Pick(c.rng, kCasual[static_cast<size_t>(c.cap) % std::size(kCasual)]));
  } else {
    w.Sentence(ParaG(c, kPRequest, s.req, &used));
  }
  // Some subtasks read better with a second request sentence.
  if (!compact && SkelChance(c, kPRequest2 + 1, tmpl ? 0.3 : 0.15) && s.req.g > 1) {
    w.Sentence(ParaG(c, kPRequest2, s.req, &used));
  }
  // Short prompts leave out the tool listing when there is another body.
  const bool b1 = !(compact && s.b1 == Body::kTools && s.b2 != Body::kNone);
  if (!body_first && b1) w.Block(s.r1, s.b1, s.w1);
  // The second body: the error after code, context for some subtasks.
  bool b2 = s.b2 != Body::kNone;
  if (s.b2 == Body::kContext && s.w1 > 0) b2 = SkelChance(c, kPBody, 0.5);
  if ((s.b2 == Body::kContext || s.b2 == Body::kError) && compact) b2 = false;
  if (b2) w.Block(s.r2, s.b2, s.w2);
}

void WriteConstraints(Writer& w, uint32_t max_count) {
  Ctx& c = w.c;
  const bool tmpl = c.tseed != 0;
  const uint32_t n = tmpl ? Skel(c, kPConstraintN, max_count + 1)
                          : static_cast<uint32_t>(c.rng.Below(max_count + 1));
  if (n == 0) return;
  const bool block = tmpl ? SkelChance(c, kPConstraintN + 7, 0.4) : c.rng.Chance(0.15);
  bool first_line = true;
  if (block) {
    w.Break();
    if (w.style != kStNone) {
      c.out.append(ParaList(c, kPConstraintN + 9, Of(kConstraintLabels)));
      c.out.append(":");
      first_line = false;
    }
  }
  const Groups cap = kConsCap[static_cast<size_t>(c.cap) % std::size(kConsCap)];
  uint64_t used_cap = 0, used_gen = 0;
  for (uint32_t i = 0; i < n; ++i) {
    const uint32_t part = kPConstraint + 64 * i;
    const bool specific = SkelChance(c, part + 1, 0.5);
    const Sv p =
        specific ? ParaG(c, part, cap, &used_cap) : ParaG(c, part, Gr(kConsGeneric), &used_gen);
    if (block) {
      c.out.append(first_line ? "- " : "\n- ");
      first_line = false;
      Emit(c, p);
      w.para = false;
    } else {
      w.Sentence(p);
    }
  }
  if (block) w.para = false;
}

void WriteFormat(Writer& w, double p_on, const Sub& s) {
  Ctx& c = w.c;
  if (!SkelChance(c, kPFormatOn, s.batch ? 0.9 : p_on)) return;
  uint32_t mask = kFormatMask[static_cast<size_t>(c.cap) % std::size(kFormatMask)];
  if (s.batch) mask = 1u << kFmJson | 1u << kFmBrief;
  // The kind: the Skel-th of the allowed ones, in order.
  const uint32_t pick = Skel(c, kPFormat2, static_cast<uint32_t>(__builtin_popcount(mask)));
  for (uint32_t i = 0; i < pick; ++i) mask &= mask - 1;
  const uint32_t kind = static_cast<uint32_t>(__builtin_ctz(mask));
  w.Sentence(ParaList(c, kPFormat, List{kFormats[kind], 6}));
}

void WriteRubric(Writer& w) {
  Ctx& c = w.c;
  w.Break();
  w.Label(kRRubric);
  if (w.style == kStNone) c.out.append("Rubric:\n");
  const uint32_t n = 3 + Skel(c, kPRubricN, 3);
  const uint32_t line_style = Skel(c, kPRubricStyle, 5);
  const auto& cap = kCritCap[static_cast<size_t>(c.cap) % std::size(kCritCap)];
  if (line_style == 2) c.out.append("| Criterion | Points | Description |\n|---|---|---|\n");
  uint32_t used = 0, used_cap = 0;  // bit masks over generic and capability criteria
  uint32_t max_total = 0;
  for (uint32_t i = 0; i < n; ++i) {
    const uint64_t h = c.tseed ? SkelHash(c, kPRubric + 64 * i) : c.rng.Next();
    const Criterion* cr;
    if (i < 3 && (h & 1) && used_cap != 7) {
      uint32_t g = static_cast<uint32_t>((h >> 8) % 3);
      while (used_cap & (1u << g)) g = (g + 1) % 3;
      used_cap |= 1u << g;
      cr = &cap[g];
    } else {
      uint32_t g = static_cast<uint32_t>((h >> 16) % std::size(kCritGeneric));
      while (used & (1u << g)) g = (g + 1) % std::size(kCritGeneric);
      used |= 1u << g;
      cr = &kCritGeneric[g];
    }
    const uint32_t pts = kRubPoints[(h >> 32) % std::size(kRubPoints)];
    max_total += pts;
    Text& o = c.out;
    switch (line_style) {
      case 0:
        o.append("- ").append(cr->name).append(" (0-");
        AppendUint(o, pts);
        o.append(" points): ").append(cr->desc);
        break;
      case 1:
        AppendUint(o, i + 1);
        o.append(". ").append(cr->name).append(" [");
        AppendUint(o, pts);
        o.append(" pts]: ").append(cr->desc);
        break;
      case 2:
        o.append("| ").append(cr->name).append(" | ");
        AppendUint(o, pts);
        o.append(" | ").append(cr->desc).append(" |");
        break;
      case 3:
        o.append(cr->name).append(" (");
        AppendUint(o, pts);
        o.append(" points): ").append(cr->desc);
        break;
      default:
        o.append("* ").append(cr->name).append(": up to ");
        AppendUint(o, pts);
        o.append(" points. ").append(cr->desc);
        break;
    }
    o.push_back('\n');
  }
  c.out.append("Maximum: ");
  AppendUint(c.out, max_total);
  c.out.append(" points.");
  w.EndLabel(kRRubric);
  w.para = false;
}

void WriteEnglish(Ctx& c, size_t target, bool explicit_target) {
  Writer w(c, c.out.size());
  const bool tmpl = c.tseed != 0;
  // Short prompts keep the request and the frame and drop the extras (lead,
  // constraints, closing). A template's own natural length never does: its
  // skeleton stays whole.
  const bool compact = target < 260 && (explicit_target || !tmpl);
  if (tmpl) {
    w.style = Skel(c, kPStyle, kStCount);
  } else {
    static constexpr uint32_t kFreeStyles[] = {kStNone,  kStNone,     kStNone,     kStNone,
                                               kStNone,  kStSentence, kStSentence, kStSentence,
                                               kStColon, kStHash};
    w.style = kFreeStyles[c.rng.Below(std::size(kFreeStyles))];
    static constexpr double kCasualShare[] = {0.5, 0.35, 0.55, 0.45, 0.5, 0.6, 0.6, 0.35};
    c.casual = c.rng.Chance(kCasualShare[static_cast<size_t>(c.cap) % std::size(kCasualShare)]);
  }
  const Sub& s = PickSub(c);
  const Frame f = c.frame;
  // Frames whose parts need labels to be readable.
  if (w.style == kStNone && (f == Frame::kReasoningExtraction || f == Frame::kRubricGrading)) {
    w.style = kStSentence;
  }

  // Terse free-form: a line or two, maybe a body.
  if (!tmpl && target < 110 && (f == Frame::kNone || f == Frame::kStepByStep)) {
    c.casual = c.casual || c.rng.Chance(0.5);
    if (c.rng.Chance(0.7)) {
      w.Sentence(Pick(c.rng, kCasual[static_cast<size_t>(c.cap) % std::size(kCasual)]));
    } else {
      w.Sentence(ParaG(c, kPRequest, s.req));
    }
    if (f == Frame::kStepByStep) w.Sentence(Para(c, kPFrameTail, kStepTail));
    if (s.w1 > 0 || s.b1 == Body::kOriginal) w.Block(s.r1, s.b1, s.w1);
    w.Finish(target);
    return;
  }

  // Lead-in.
  if (tmpl) {
    // People using a shared template phrase around it (students, evasive
    // attackers): an extra informal line now and then.
    if (c.paraphrase > 0 && c.rng.Chance(c.paraphrase * 0.4)) {
      c.out.append(Pick(c.rng, Of(kCasualOpen)));
      c.out.push_back('\n');
    }
    if (!compact && SkelChance(c, kPLeadOn, 0.45)) w.Sentence(Para(c, kPLead, kLead));
  } else if (!compact && (c.casual ? c.rng.Chance(0.45) : c.rng.Chance(0.25))) {
    w.Sentence(c.casual ? Pick(c.rng, Of(kCasualOpen)) : Para(c, kPLead, kLead));
    if (c.rng.Chance(0.5)) w.para = false;
  }

  switch (f) {
    case Frame::kReasoningExtraction: {
      w.Sentence(Para(c, kPIntro, kReIntro));
      w.Break();
      w.Label(kRTask);
      Emit(c, ParaG(c, kPRequest, s.req));
      w.para = true;
      w.Block(s.r1, s.b1, s.w1);
      w.EndLabel(kRTask);
      w.Block(kRResponse, Body::kAnswer, 2);
      w.Break();
      uint64_t used = 0;
      w.Sentence(Para(c, kPFrameTail, kReTail, &used));
      if (SkelChance(c, kPFrameTailOn, 0.5)) w.Sentence(Para(c, kPFrameTail2, kReTail, &used));
      WriteFormat(w, 0.25, s);
      break;
    }
    case Frame::kRubricGrading: {
      w.Sentence(Para(c, kPIntro, kRubIntro));
      w.Break();
      w.Label(kRTask);
      w.para = false;
      Emit(c, ParaG(c, kPRequest, s.req));
      w.para = true;
      w.Block(s.r1, s.b1, s.w1);
      w.EndLabel(kRTask);
      w.Block(kRCandidate, Body::kAnswer, 2);
      WriteRubric(w);
      w.Break();
      uint64_t used = 0;
      w.Sentence(Para(c, kPFrameTail, kRubTail, &used));
      if (SkelChance(c, kPFrameTailOn, 0.6)) w.Sentence(Para(c, kPFrameTail2, kRubTail, &used));
      if (SkelChance(c, kPFormatOn, 0.7)) w.Sentence(ParaList(c, kPFormat, Of(kRubOut)));
      break;
    }
    case Frame::kSyntheticData: {
      w.Sentence(Para(c, kPIntro, kSynIntro));
      w.Sentence(Para(c, kPSynthFields, kSynFields));
      w.Sentence(Para(c, kPFormat, kSynFormat));
      const uint32_t nd =
          1 + (tmpl ? Skel(c, kPSynthDiv, 3) : static_cast<uint32_t>(c.rng.Below(2)));
      uint64_t used = 0;
      for (uint32_t i = 0; i < nd; ++i)
        w.Sentence(Para(c, kPSynthDiv + 64 * (i + 1), kSynDiv, &used));
      if (SkelChance(c, kPSynthExample, 0.6)) {
        w.Block(kRExample, Body::kAnswer, 1);
      } else {
        w.Block(kRContext, Body::kContext, 1);
      }
      WriteConstraints(w, 1);
      break;
    }
    case Frame::kPersona: {
      w.Sentence(Para(c, kPIntro, kPerIntro));
      if (SkelChance(c, kPPersonaTrait + 1, 0.6)) w.Sentence(Para(c, kPPersonaTrait, kPerTrait));
      w.Break();
      WriteTask(w, s, true, false, compact);
      WriteConstraints(w, compact ? 0 : 2);
      w.Sentence(Para(c, kPPersonaStay, kPerStay));
      WriteFormat(w, 0.3, s);
      break;
    }
    case Frame::kStepByStep: {
      const bool intro = !compact && SkelChance(c, kPIntroOn, 0.4);
      if (intro) w.Sentence(Para(c, kPIntro, kStepIntro));
      WriteTask(w, s, true, true, compact);
      WriteConstraints(w, compact ? 0 : 2);
      w.Break();
      uint64_t used = 0;
      w.Sentence(Para(c, kPFrameTail, kStepTail, &used));
      if (!compact && (!intro || SkelChance(c, kPFrameTailOn, 0.3))) {
        w.Sentence(Para(c, kPFrameTail2, kStepTail, &used));
      }
      WriteFormat(w, 0.35, s);
      break;
    }
    default: {
      WriteTask(w, s, true, true, compact);
      WriteConstraints(w, compact ? 1 : tmpl ? 3 : 2);
      WriteFormat(w, compact ? 0.3 : tmpl ? 0.55 : 0.2, s);
      break;
    }
  }

  // Closing.
  if (compact) {
    // nothing
  } else if (tmpl) {
    if (SkelChance(c, kPCloseOn, 0.3)) w.Sentence(Para(c, kPClose, kClose));
  } else {
    if (c.rng.Chance(0.15)) {
      w.Break();
      w.Sentence(Pick(c.rng, Of(kFollowUp)));
    }
    if (c.rng.Chance(c.casual ? 0.35 : 0.15)) {
      w.Sentence(c.casual ? Pick(c.rng, Of(kCasualClose)) : Para(c, kPClose, kClose));
    }
  }
  w.Finish(target);
}

}  // namespace
}  // namespace gram

size_t WriteUserPrompt(const PromptSpec& spec, Rng& rng, std::string& out) {
  size_t nominal = 0;
  const std::string_view text = WriteUserPromptView(spec, rng, &nominal);
  out.append(text.data(), text.size());
  return nominal;
}

std::string_view WriteUserPromptView(const PromptSpec& spec, Rng& rng, size_t* nominal) {
  gram::Text& text = gram::ThreadText();
  gram::Ctx c(rng, text);
  c.body_scale = std::clamp(spec.body_scale, 0.0, 1.0);
  if (spec.body_chars_max != 0) c.body_max = spec.body_chars_max;
  c.tseed = spec.template_seed;
  c.paraphrase = std::clamp(spec.paraphrase, 0.0, 1.0);
  c.cap = static_cast<size_t>(spec.capability) < static_cast<size_t>(Capability::kCount)
              ? spec.capability
              : Capability::kGeneralChat;
  c.frame = static_cast<size_t>(spec.frame) < static_cast<size_t>(Frame::kCount) ? spec.frame
                                                                                 : Frame::kNone;
  c.lang = static_cast<size_t>(spec.language) < static_cast<size_t>(Language::kCount)
               ? spec.language
               : Language::kEnglish;
  const size_t target = spec.target_chars ? spec.target_chars : gram::NaturalLength(c);
  if (c.lang != Language::kEnglish) {
    gram::WriteLocalPrompt(c, target);
  } else {
    gram::WriteEnglish(c, target, spec.target_chars != 0);
  }
  *nominal = text.size() + c.nominal_extra;
  return text.view();
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define HW_PROMPT_JSON_AVX2 1
namespace {

// WritePromptJson on CPUs with AVX2 (the build targets x86-64-v2, hence the
// attribute and the check in WritePromptJson). Windows of 32 bytes, loaded
// and stored whole. After an escape the rest of the window is loaded again
// from just behind it and stored where it now belongs (escapes make the
// output longer), so a window costs one pass however many escapes it has.
// Loads may read up to 32 bytes past the end of the text (Text::kReadSlack);
// stores write up to 32 bytes past what the escapes need (kPromptJsonSlack).
// A prompt is ASCII but for a few phrases: at the first byte >= 0x80 the rest
// goes to hw::WriteJsonString, which checks UTF-8.
__attribute__((target("avx2"))) char* WritePromptJsonAvx2(char* dst,
                                                          std::string_view view) noexcept {
  const char* s = view.data();
  const size_t n = view.size();
  const __m256i space = _mm256_set1_epi8(0x20), quote = _mm256_set1_epi8('"'),
                backslash = _mm256_set1_epi8('\\');
  char* d = dst;  // where s[i] goes, but for the escapes of the window so far
  *d++ = '"';
  for (size_t i = 0; i < n; i += 32) {
    const size_t left = n - i;
    const __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(s + i));
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(d), v);
    // Signed compare: bytes >= 0x80 count as below 0x20.
    unsigned mask = static_cast<unsigned>(_mm256_movemask_epi8(_mm256_or_si256(
        _mm256_cmpgt_epi8(space, v),
        _mm256_or_si256(_mm256_cmpeq_epi8(v, quote), _mm256_cmpeq_epi8(v, backslash)))));
    if (left < 32) mask &= (1u << left) - 1;
    while (mask != 0) {
      const unsigned k = static_cast<unsigned>(__builtin_ctz(mask));
      mask &= mask - 1;
      const unsigned char ch = static_cast<unsigned char>(s[i + k]);
      char* e = d + k;
      e[0] = '\\';
      if (ch == '\n') {  // most escapes
        e[1] = 'n';
        d += 1;
      } else if (ch >= 0x80) {
        // WriteJsonString opens with a quote: let it overwrite the byte
        // before `e` and put that byte back. It needs 6 * (n - j) + 16 bytes
        // from e - 1 for the text from j = i + k on: inside our room, since
        // at most 6 * j bytes were written for s[0, j).
        const char before = e[-1];
        char* end = WriteJsonString(e - 1, std::string_view(s + i + k, n - i - k));
        e[-1] = before;
        return end;
      } else if (ch == '"' || ch == '\\' || ch == '\r' || ch == '\t') {
        e[1] = ch == '\r' ? 'r' : ch == '\t' ? 't' : static_cast<char>(ch);
        d += 1;
      } else {
        static constexpr char kHex[] = "0123456789abcdef";
        // NOLINTNEXTLINE(bugprone-not-null-terminated-result) JSON bytes
        std::memcpy(e + 1, "u00", 3);
        e[4] = kHex[ch >> 4];
        e[5] = kHex[ch & 15];
        d += 5;
      }
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(d + k + 1),
                          _mm256_loadu_si256(reinterpret_cast<const __m256i*>(s + i + k + 1)));
    }
    d += left < 32 ? left : 32;
  }
  *d++ = '"';
  return d;
}

}  // namespace
#endif

char* WritePromptJson(char* dst, std::string_view view) noexcept {
#if defined(HW_PROMPT_JSON_AVX2)
  static const bool kAvx2 = __builtin_cpu_supports("avx2");
  if (kAvx2) return WritePromptJsonAvx2(dst, view);
#endif
  return WriteJsonString(dst, view);
}

}  // namespace hw::sim
