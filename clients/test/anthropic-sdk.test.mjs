// The @anthropic-ai/sdk client and its helpers (messages.stream, messages.parse, the beta tool runner) on /v1/messages.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import Anthropic from '@anthropic-ai/sdk';
import { zodOutputFormat } from '@anthropic-ai/sdk/helpers/zod';
import { betaZodTool } from '@anthropic-ai/sdk/helpers/beta/zod';
import { z } from 'zod';
import { GATEWAY, KEY, CHAT, PROVIDERS, named, assertUsage, upstreamName, WEATHER_PROMPT, BOTH_PROMPT,
  PERSON_EXPECTED } from '../lib/env.mjs';

const client = new Anthropic({ baseURL: GATEWAY, apiKey: KEY, maxRetries: 0 });
const person = z.object({ name: z.string(), age: z.number().int(), height: z.number(), tags: z.array(z.string()),
  mood: z.enum(['happy', 'sad']), active: z.boolean() });
const weatherTool = { name: 'get_weather', description: 'Current weather in a city',
  input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } };
const user = (content) => [{ role: 'user', content }];

for (const p of PROVIDERS) {
  const model = CHAT[p];
  describe(`anthropic sdk: ${p}`, { concurrency: true }, () => {
    test(named(p, 'messages.create with usage and model', 'model_name'), async () => {
      const m = await client.messages.create({ model, max_tokens: 256, messages: user('Say hi') });
      assert.equal(m.type, 'message');
      assert.deepEqual(m.content.map((b) => b.type === 'text' ? b.text : b.type), ['echo: Say hi']);
      assert.equal(m.stop_reason, 'end_turn');
      assertUsage(m.usage.input_tokens, m.usage.output_tokens);
      assert.equal(m.model, upstreamName(model));
    });

    test(named(p, 'messages.stream(): text, finalMessage and usage', 'start_usage'), async () => {
      const stream = client.messages.stream({ model, max_tokens: 256, messages: user('Say hi there') });
      let text = '';
      let startUsage;
      stream.on('text', (t) => { text += t; });
      stream.on('streamEvent', (e) => { if (e.type === 'message_start') startUsage = { ...e.message.usage }; });
      const final = await stream.finalMessage();
      assert.equal(text, 'echo: Say hi there');
      assert.equal(final.content[0].text, 'echo: Say hi there');
      assertUsage(final.usage.input_tokens, final.usage.output_tokens);
      // LangChain and others read the prompt's count from message_start, as Anthropic's own API sends it there
      assert.ok(startUsage.input_tokens > 0, `message_start input_tokens ${startUsage.input_tokens}`);
    });

    test(named(p, 'tool use, then the answer to its result'), async () => {
      const messages = user(WEATHER_PROMPT);
      const m = await client.messages.create({ model, max_tokens: 256, messages, tools: [weatherTool] });
      assert.equal(m.stop_reason, 'tool_use');
      const uses = m.content.filter((b) => b.type === 'tool_use');
      assert.deepEqual(uses.map((u) => [u.name, u.input]), [['get_weather', { city: 'city-1' }]]);
      messages.push({ role: 'assistant', content: m.content },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: uses[0].id, content: 'sunny' }] });
      const m2 = await client.messages.create({ model, max_tokens: 256, messages, tools: [weatherTool] });
      assert.equal(m2.stop_reason, 'end_turn');
      assert.match(m2.content[0].text, /^results: .*sunny/);
    });

    test(named(p, 'parallel tool use'), async () => {
      const m = await client.messages.create({ model, max_tokens: 256, messages: user(BOTH_PROMPT), tools: [weatherTool] });
      assert.deepEqual(m.content.filter((b) => b.type === 'tool_use').map((u) => u.input), [{ city: 'city-1' }, { city: 'city-2' }]);
    });

    test(named(p, 'a tool call with disable_parallel_tool_use', 'no_parallel_refused'), async () => {
      const m = await client.messages.create({ model, max_tokens: 256, messages: user(WEATHER_PROMPT), tools: [weatherTool],
        tool_choice: { type: 'auto', disable_parallel_tool_use: true } });
      assert.equal(m.content.filter((b) => b.type === 'tool_use').length, 1);
    });

    // The model wants two calls here: with parallel use disabled the client must still get one.
    test(named(p, 'disable_parallel_tool_use holds back a second call', 'no_parallel'), async () => {
      const m = await client.messages.create({ model, max_tokens: 256, messages: user(BOTH_PROMPT), tools: [weatherTool],
        tool_choice: { type: 'auto', disable_parallel_tool_use: true } });
      assert.equal(m.content.filter((b) => b.type === 'tool_use').length, 1);
    });

    test(named(p, 'forced tool (tool_choice tool)'), async () => {
      const m = await client.messages.create({ model, max_tokens: 256, messages: user('Anything'), tools: [weatherTool],
        tool_choice: { type: 'tool', name: 'get_weather' } });
      assert.deepEqual(m.content.filter((b) => b.type === 'tool_use').map((u) => u.name), ['get_weather']);
    });

    test(named(p, 'streamed parallel tool use: inputJson and finalMessage'), async () => {
      const stream = client.messages.stream({ model, max_tokens: 256, messages: user(BOTH_PROMPT), tools: [weatherTool] });
      let json = 0;
      stream.on('inputJson', () => { json++; });
      const final = await stream.finalMessage();
      assert.equal(final.stop_reason, 'tool_use');
      assert.deepEqual(final.content.filter((b) => b.type === 'tool_use').map((u) => u.input), [{ city: 'city-1' }, { city: 'city-2' }]);
      assert.ok(json > 0);
      assertUsage(final.usage.input_tokens, final.usage.output_tokens);
    });

    test(named(p, 'messages.parse with zodOutputFormat', 'json_schema'), async () => {
      const m = await client.messages.parse({ model, max_tokens: 256, messages: user('Invent a person'),
        output_config: { format: zodOutputFormat(person) } });
      assert.deepEqual(m.parsed_output, PERSON_EXPECTED);
    });

    test(named(p, 'beta tool runner runs the tools until the final answer', 'thread'), async () => {
      const seen = [];
      const runner = client.beta.messages.toolRunner({ model, max_tokens: 256, messages: user(BOTH_PROMPT), tools: [
        betaZodTool({ name: 'get_weather', description: 'Current weather in a city', inputSchema: z.object({ city: z.string() }),
          run: async ({ city }) => { seen.push(city); return `sunny in ${city}`; } })] });
      const final = await runner.runUntilDone();
      assert.deepEqual(seen, ['city-1', 'city-2']);
      assert.match(final.content.find((b) => b.type === 'text').text, /^results: .*sunny in city-1.*sunny in city-2/);
    });

    test(named(p, 'countTokens'), async () => {
      const r = await client.messages.countTokens({ model, messages: user('Say hi'), tools: [weatherTool] });
      assert.ok(r.input_tokens > 0 && r.input_tokens < 10_000, `input_tokens ${r.input_tokens}`);
    });
  });
}

test(named('anthropic', 'models.list in the Anthropic shape', 'models_dialect'), async () => {
  const models = [];
  for await (const m of client.models.list()) models.push(m);
  for (const model of Object.values(CHAT)) {
    assert.ok(models.some((m) => m.id === model || m.id === upstreamName(model)), `${model} not listed`);
  }
  for (const m of models) {
    assert.equal(m.type, 'model');
    assert.equal(typeof m.display_name, 'string');
    assert.ok(!Number.isNaN(Date.parse(m.created_at)), `created_at ${m.created_at}`);
  }
});
