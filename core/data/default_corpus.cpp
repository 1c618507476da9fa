#include "data/default_corpus.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <map>

#include "util/random.h"

namespace trustlab {
namespace {

using Words = std::vector<const char*>;

struct IntentTemplates {
  const char* intent;
  Words templates;  // {slot} placeholders; {name} and {relative} carry gender
};

// Templates deliberately share verbs across intents ("set", "play", "what") so the task is
// not solvable from one keyword.
const std::vector<IntentTemplates>& intents() {
  static const std::vector<IntentTemplates> k = {
      {"set_alarm", {"set an alarm for {time}", "wake me up at {time} {date}",
                     "please set an alarm at {time} so i can call {name}",
                     "i need an alarm {date} at {time}", "alarm for {time} please",
                     "can you wake me at {time} before my {relative} arrives"}},
      {"set_reminder", {"remind me to call {name} {date}", "set a reminder to buy {item} at {time}",
                        "remind me about my {relative}'s birthday {date}",
                        "don't let me forget to email {name} {date}",
                        "create a reminder to pick up {item} for my {relative}",
                        "remind {name} to bring the {item} {date}"}},
      {"set_timer", {"set a timer for {number} minutes", "start a {number} minute timer",
                     "timer for {number} minutes for the {item}", "count down {number} minutes",
                     "set a {number} minute timer while {name} cooks"}},
      {"get_weather", {"what is the weather in {city} {date}", "will it rain in {city} {date}",
                       "how hot will it be {date} in {city}", "do i need an umbrella in {city}",
                       "weather forecast for {city}", "is it going to snow {date} where {name} lives"}},
      {"play_music", {"play {song} by {artist}", "put on some {genre} music", "play {artist} in the {room}",
                      "i want to hear {song}", "play my {relative}'s favourite {genre} playlist",
                      "shuffle songs by {artist}"}},
      {"add_to_playlist", {"add {song} to my {genre} playlist", "put this song on the {playlist} playlist",
                           "add {artist} to {playlist}", "save {song} to the playlist {name} made",
                           "include this track in my {relative}'s {playlist} playlist"}},
      {"book_restaurant", {"book a table for {number} at {restaurant} {date}",
                           "reserve a {cuisine} restaurant in {city} for {time}",
                           "i need a table for {number} people at {time}",
                           "get us a reservation at {restaurant} with {name}",
                           "book dinner for me and my {relative} at a {cuisine} place"}},
      {"find_recipe", {"how do i make {dish}", "find a recipe for {cuisine} {dish}",
                       "what can i cook with {item}", "show me my {relative}'s {dish} recipe",
                       "recipe for {dish} that {name} would like"}},
      {"call_contact", {"call {name}", "phone my {relative}", "dial {name}'s mobile",
                        "ring my {relative} on speaker", "start a video call with {name}",
                        "call {name} back"}},
      {"send_message", {"text {name} that i am running late", "send a message to my {relative}",
                        "tell {name} i will be there at {time}", "message my {relative} saying happy birthday",
                        "send {name} a text about the {item}"}},
      {"check_calendar", {"what is on my calendar {date}", "do i have meetings {date}",
                          "when am i meeting {name}", "am i free at {time} {date}",
                          "show my schedule for {date}", "when is my {relative}'s appointment"}},
      {"navigation", {"directions to {city}", "how long to drive to {restaurant}",
                      "navigate to {name}'s house", "what is the traffic like to {city}",
                      "take me to my {relative}'s place", "route to the nearest {place}"}},
      {"smart_home", {"turn off the lights in the {room}", "set the {room} thermostat to {number} degrees",
                      "dim the {room} lights", "turn on the {device}", "lock the front door",
                      "switch off the {device} in my {relative}'s room"}},
      {"shopping_list", {"add {item} to my shopping list", "put {number} {item} on the list",
                         "remove {item} from the shopping list", "what is on my shopping list",
                         "add {item} to the list {name} shared"}},
      {"news", {"what is the latest news", "read me the headlines about {topic}",
                "any news on {topic} {date}", "tell me the {topic} news from {city}",
                "what happened in {city} {date}"}},
      {"sports_scores", {"did {team} win {date}", "what was the score of the {team} game",
                         "when do {team} play next", "show the {sport} results",
                         "how did my {relative}'s team do in {sport}"}},
      {"translate", {"how do you say {phrase} in {language}", "translate {phrase} to {language}",
                     "what is {phrase} in {language}", "say {phrase} in {language} for {name}"}},
      {"tell_joke", {"tell me a joke", "say something funny", "tell me a joke about {topic}",
                     "make my {relative} laugh", "i need a {topic} joke for {name}"}},
  };
  return k;
}

const std::map<std::string, Words>& slotFillers() {
  static const std::map<std::string, Words> k = {
      {"time", {"six am", "7 30", "noon", "eight pm", "quarter past nine", "10 am", "midnight", "5 pm"}},
      {"date", {"today", "tomorrow", "on monday", "on friday", "next week", "this weekend", "tonight"}},
      {"number", {"two", "three", "four", "five", "ten", "twenty", "6", "15"}},
      {"item", {"milk", "eggs", "bread", "batteries", "coffee", "the cake", "flowers", "rice", "apples"}},
      {"city", {"paris", "seattle", "boston", "tokyo", "berlin", "madrid", "chicago", "london", "toronto"}},
      {"song", {"yesterday", "bohemian rhapsody", "hey jude", "purple rain", "imagine", "halo"}},
      {"artist", {"the beatles", "adele", "queen", "prince", "taylor swift", "miles davis"}},
      {"genre", {"jazz", "rock", "classical", "pop", "hip hop", "country"}},
      {"playlist", {"road trip", "workout", "chill", "party", "study"}},
      {"room", {"kitchen", "bedroom", "living room", "garage", "office"}},
      {"restaurant", {"olive garden", "the red lion", "sushi palace", "luigi's", "the corner bistro"}},
      {"cuisine", {"italian", "thai", "mexican", "indian", "japanese", "greek"}},
      {"dish", {"lasagna", "pancakes", "curry", "tacos", "banana bread", "risotto"}},
      {"place", {"gas station", "pharmacy", "hospital", "supermarket", "park"}},
      {"device", {"tv", "fan", "heater", "air conditioner", "coffee machine"}},
      {"topic", {"politics", "technology", "science", "football", "the economy", "animals"}},
      {"team", {"the lakers", "the yankees", "arsenal", "the patriots", "real madrid"}},
      {"sport", {"basketball", "tennis", "baseball", "soccer", "hockey"}},
      {"phrase", {"good morning", "thank you", "where is the station", "i love you", "how much is it"}},
      {"language", {"spanish", "french", "german", "japanese", "italian"}},
  };
  return k;
}

// First names (both frequent in the 1990 US census lists) and gendered kinship words.
const Words kFemaleNames = {"mary", "patricia", "linda", "barbara", "elizabeth", "jennifer", "maria",
                            "susan", "margaret", "dorothy", "lisa", "nancy", "karen", "betty",
                            "helen", "sandra", "emily", "anna", "sarah", "laura"};
const Words kMaleNames = {"james", "john", "robert", "michael", "william", "david", "richard",
                          "charles", "joseph", "thomas", "christopher", "daniel", "paul", "mark",
                          "donald", "george", "kenneth", "steven", "edward", "brian"};
const Words kFemaleRelatives = {"mother", "mom", "sister", "daughter", "wife", "aunt", "grandma",
                                "girlfriend", "niece"};
const Words kMaleRelatives = {"father", "dad", "brother", "son", "husband", "uncle", "grandpa",
                              "boyfriend", "nephew"};

const char* pick(const Words& w, SplitMix64& rng) { return w[rng.below(w.size())]; }

// Politeness and filler, as in spoken requests: more surface variety per template.
const Words kPrefixes = {"", "", "", "please ", "hey ", "can you ", "could you please ", "i want to ", "quickly "};
const Words kSuffixes = {"", "", "", " please", " thanks", " now", " for me", " right away"};

// Crowd-sourced NLU data carries some label noise; without it the default task is trivially
// separable and every model scores 100 %.
constexpr double kLabelNoise = 0.04;

/// Fills a template. The utterance's gender (if any) decides every {name}/{relative} in it.
Example fill(const char* tmpl, const std::string& intent, SplitMix64& rng) {
  Example ex;
  ex.label = intent;
  const bool female = rng.below(2) == 0;
  std::string t = tmpl;
  size_t pos = 0;
  while ((pos = t.find('{', pos)) != std::string::npos) {
    const size_t end = t.find('}', pos);
    const std::string slot = t.substr(pos + 1, end - pos - 1);
    std::string value;
    if (slot == "name") {
      value = pick(female ? kFemaleNames : kMaleNames, rng);
      ex.gender = female ? "female" : "male";
      ex.slotValues.push_back({"person", value});
    } else if (slot == "relative") {
      value = pick(female ? kFemaleRelatives : kMaleRelatives, rng);
      ex.gender = female ? "female" : "male";
      ex.slotValues.push_back({"relation", value});
    } else {
      value = pick(slotFillers().at(slot), rng);
      ex.slotValues.push_back({slot, value});
    }
    t.replace(pos, end - pos + 1, value);
    pos += value.size();
  }
  ex.text = t;
  return ex;
}

}  // namespace

Dataset generateDefaultCorpus(const DefaultCorpusOptions& o) {
  SplitMix64 rng(o.seed);
  const auto& all = intents();

  // Zipf weights over users, then a cumulative table for sampling.
  std::vector<double> cumulative(o.users);
  double total = 0;
  for (size_t u = 0; u < o.users; ++u) {
    total += 1.0 / std::pow(double(u + 1), o.zipfExponent);
    cumulative[u] = total;
  }
  // Each user favours three intents (non-IID users, as on real devices).
  std::vector<std::array<size_t, 3>> favourites(o.users);
  for (auto& f : favourites)
    for (auto& i : f) i = rng.below(all.size());

  std::vector<Example> examples;
  examples.reserve(o.utterances);
  for (size_t n = 0; n < o.utterances; ++n) {
    const double r = rng.uniform() * total;
    const size_t user = size_t(std::lower_bound(cumulative.begin(), cumulative.end(), r) -
                               cumulative.begin());
    const size_t intent = rng.uniform() < 0.6 ? favourites[user][rng.below(3)] : rng.below(all.size());
    const auto& it = all[intent];
    Example ex = fill(pick(it.templates, rng), it.intent, rng);
    ex.text = std::string(pick(kPrefixes, rng)) + ex.text + pick(kSuffixes, rng);
    if (rng.uniform() < kLabelNoise) ex.label = all[rng.below(all.size())].intent;
    ex.user = "user" + std::to_string(user);
    examples.push_back(std::move(ex));
  }
  Dataset d;
  d.name = "default";
  d.source = "generated";
  splitDeterministic(std::move(examples), 0.1, 0.1, o.seed + 1, d);
  return d;
}

}  // namespace trustlab
