// What every client test reads: the gateway, a client key and per provider the model names (set by ClientLibrariesIT).
import assert from 'node:assert/strict';

function required(name) {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: these tests run from ClientLibrariesIT (./mvnw verify), which sets it`);
  return v;
}

export const GATEWAY = required('SWITCHBOARD_URL');
export const KEY = required('SWITCHBOARD_KEY');
/** provider -> "{provider}/{model}" for chat */
export const CHAT = JSON.parse(required('SWITCHBOARD_CHAT_MODELS'));
/** provider -> "{provider}/{model}" for embeddings (only the providers that have them) */
export const EMBEDDING = JSON.parse(required('SWITCHBOARD_EMBEDDING_MODELS'));
export const PROVIDERS = Object.keys(CHAT);

// Breaks the gateway is known to have: a test that hits one is named with the reason, so a failing test whose name
// carries "[known: ...]" fails only for it. Empty: every break found by this suite (issue 14) is fixed.
const KNOWN = {};

/** The test's name, with the known break it hits for this provider, if any. */
export function named(provider, title, ...breaks) {
  const hit = breaks.map((b) => KNOWN[b]).filter((k) => k && k.providers.includes(provider)).map((k) => k.why);
  return `${provider}: ${title}${hit.length ? ` [known: ${hit.join('; ')}]` : ''}`;
}

/** The upstream's own name of a {provider}/{model} (what every response's `model` reports). */
export function upstreamName(model) {
  return model.slice(model.indexOf('/') + 1);
}

/** Usage as a person would check it: counts that are positive and add up. */
export function assertUsage(input, output, total) {
  assert.ok(Number.isInteger(input) && input > 0, `input tokens ${input}`);
  assert.ok(Number.isInteger(output) && output > 0, `output tokens ${output}`);
  assert.ok(input < 10_000 && output < 10_000, `implausible usage ${input}/${output}`);
  if (total !== undefined) assert.ok(total >= input + output, `total ${total} < ${input} + ${output}`);
}

// The fakes' deterministic model (see ToolPlay / SchemaSample in the Java test sources): a prompt that says "both"
// gets two parallel calls, the n-th with strings "<property>-<n>"; after tool results the answer is
// "results: " and them; structured output is every property filled the same way.
export const WEATHER_PROMPT = 'What is the weather in Paris?';
export const BOTH_PROMPT = 'What is the weather in both Paris and Tokyo?';
export const PERSON_EXPECTED = { name: 'name-1', age: 1, height: 1.5, tags: ['tags-1'], mood: 'happy', active: true };

// The AI SDK warns on the console about model names it does not know (every {provider}/{model} name): noise here.
globalThis.AI_SDK_LOG_WARNINGS = false;
