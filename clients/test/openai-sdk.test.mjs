// The openai SDK and its helpers (chat.completions.stream / parse / runTools) on the OpenAI-compatible endpoint.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { zodResponseFormat, zodFunction } from 'openai/helpers/zod';
import { z } from 'zod';
import { GATEWAY, KEY, CHAT, EMBEDDING, PROVIDERS, named, assertUsage, upstreamName, WEATHER_PROMPT, BOTH_PROMPT,
  PERSON_EXPECTED } from '../lib/env.mjs';

const client = new OpenAI({ baseURL: `${GATEWAY}/v1`, apiKey: KEY, maxRetries: 0 });
const person = z.object({ name: z.string(), age: z.number().int(), height: z.number(), tags: z.array(z.string()),
  mood: z.enum(['happy', 'sad']), active: z.boolean() });
const weatherTool = { type: 'function', function: { name: 'get_weather', description: 'Current weather in a city',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } } };
const user = (content) => [{ role: 'user', content }];

for (const p of PROVIDERS) {
  const model = CHAT[p];
  describe(`openai sdk: ${p}`, { concurrency: true }, () => {
    test(named(p, 'create with usage and model', 'model_name'), async () => {
      const r = await client.chat.completions.create({ model, messages: user('Say hi') });
      assert.equal(r.choices[0].message.content, 'echo: Say hi');
      assert.equal(r.choices[0].finish_reason, 'stop');
      assertUsage(r.usage.prompt_tokens, r.usage.completion_tokens, r.usage.total_tokens);
      assert.equal(r.model, upstreamName(model));
    });

    test(named(p, 'create stream with include_usage'), async () => {
      const stream = await client.chat.completions.create({ model, messages: user('Say hi there'), stream: true,
        stream_options: { include_usage: true } });
      let text = '';
      let usage;
      for await (const chunk of stream) {
        text += chunk.choices[0]?.delta?.content ?? '';
        if (chunk.usage) usage = chunk.usage;
      }
      assert.equal(text, 'echo: Say hi there');
      assertUsage(usage.prompt_tokens, usage.completion_tokens, usage.total_tokens);
    });

    test(named(p, 'chat.completions.stream() helper'), async () => {
      const stream = client.chat.completions.stream({ model, messages: user('Say hi there'),
        stream_options: { include_usage: true } });
      const deltas = [];
      stream.on('content.delta', ({ delta }) => deltas.push(delta));
      const final = await stream.finalChatCompletion();
      assert.equal(final.choices[0].message.content, 'echo: Say hi there');
      assert.equal(deltas.join(''), 'echo: Say hi there');
      assertUsage(final.usage.prompt_tokens, final.usage.completion_tokens, final.usage.total_tokens);
    });

    test(named(p, 'tool call'), async () => {
      const r = await client.chat.completions.create({ model, messages: user(WEATHER_PROMPT), tools: [weatherTool] });
      const calls = r.choices[0].message.tool_calls;
      assert.equal(r.choices[0].finish_reason, 'tool_calls');
      assert.deepEqual(calls.map((c) => [c.function.name, JSON.parse(c.function.arguments)]), [['get_weather', { city: 'city-1' }]]);
      assert.ok(calls[0].id);
    });

    test(named(p, 'parallel tool calls, then the answer to their results'), async () => {
      const messages = user(BOTH_PROMPT);
      const r = await client.chat.completions.create({ model, messages, tools: [weatherTool] });
      const msg = r.choices[0].message;
      assert.deepEqual(msg.tool_calls.map((c) => JSON.parse(c.function.arguments)), [{ city: 'city-1' }, { city: 'city-2' }]);
      assert.notEqual(msg.tool_calls[0].id, msg.tool_calls[1].id);
      messages.push(msg, ...msg.tool_calls.map((c, i) => ({ role: 'tool', tool_call_id: c.id, content: `sunny ${i}` })));
      const r2 = await client.chat.completions.create({ model, messages, tools: [weatherTool] });
      assert.match(r2.choices[0].message.content, /^results: .*sunny 0.*sunny 1/);
    });

    test(named(p, 'a tool call with parallel_tool_calls false', 'no_parallel_refused'), async () => {
      const r = await client.chat.completions.create({ model, messages: user(WEATHER_PROMPT), tools: [weatherTool],
        parallel_tool_calls: false });
      assert.equal(r.choices[0].message.tool_calls.length, 1);
    });

    // The model wants two calls here: with parallel calls disabled the client must still get one.
    test(named(p, 'parallel_tool_calls false holds back a second call', 'no_parallel'), async () => {
      const r = await client.chat.completions.create({ model, messages: user(BOTH_PROMPT), tools: [weatherTool],
        parallel_tool_calls: false });
      assert.equal(r.choices[0].message.tool_calls.length, 1);
    });

    test(named(p, 'streamed parallel tool calls (stream() helper)'), async () => {
      const stream = client.chat.completions.stream({ model, messages: user(BOTH_PROMPT), tools: [weatherTool] });
      const done = [];
      stream.on('tool_calls.function.arguments.done', (e) => done.push(e.arguments));
      const final = await stream.finalChatCompletion();
      assert.deepEqual(final.choices[0].message.tool_calls.map((c) => JSON.parse(c.function.arguments)),
        [{ city: 'city-1' }, { city: 'city-2' }]);
      assert.equal(done.length, 2);
    });

    test(named(p, 'chat.completions.parse with zodResponseFormat', 'json_schema'), async () => {
      const r = await client.chat.completions.parse({ model, messages: user('Invent a person'),
        response_format: zodResponseFormat(person, 'person') });
      assert.deepEqual(r.choices[0].message.parsed, PERSON_EXPECTED);
      assertUsage(r.usage.prompt_tokens, r.usage.completion_tokens);
    });

    test(named(p, 'chat.completions.parse with a strict zodFunction tool'), async () => {
      const r = await client.chat.completions.parse({ model, messages: user(WEATHER_PROMPT),
        tools: [zodFunction({ name: 'get_weather', parameters: z.object({ city: z.string() }) })] });
      assert.deepEqual(r.choices[0].message.tool_calls[0].function.parsed_arguments, { city: 'city-1' });
    });

    test(named(p, 'chat.completions.stream with zodResponseFormat', 'json_schema'), async () => {
      const stream = client.chat.completions.stream({ model, messages: user('Invent a person'),
        response_format: zodResponseFormat(person, 'person') });
      const final = await stream.finalChatCompletion();
      assert.deepEqual(final.choices[0].message.parsed, PERSON_EXPECTED);
    });

    test(named(p, 'runTools runs the tool and returns the final answer'), async () => {
      const seen = [];
      const runner = client.chat.completions.runTools({ model, messages: user(BOTH_PROMPT), tools: [{
        type: 'function', function: { name: 'get_weather', parameters: weatherTool.function.parameters, parse: JSON.parse,
          function: ({ city }) => { seen.push(city); return `sunny in ${city}`; } } }] });
      const content = await runner.finalContent();
      assert.deepEqual(seen, ['city-1', 'city-2']);
      assert.match(content, /^results: .*sunny in city-1.*sunny in city-2/);
      const usage = await runner.totalUsage();
      assertUsage(usage.prompt_tokens, usage.completion_tokens, usage.total_tokens);
    });

    test(named(p, 'runTools streaming'), async () => {
      const runner = client.chat.completions.runTools({ model, stream: true, messages: user(WEATHER_PROMPT), tools: [{
        type: 'function', function: { name: 'get_weather', parameters: weatherTool.function.parameters, parse: JSON.parse,
          function: ({ city }) => `sunny in ${city}` } }] });
      assert.match(await runner.finalContent(), /^results: .*sunny in city-1/);
    });

    if (EMBEDDING[p]) {
      test(named(p, 'embeddings (float and base64)', 'embedding_usage'), async () => {
        const r = await client.embeddings.create({ model: EMBEDDING[p], input: ['first', 'the second'] });
        assert.equal(r.data.length, 2);
        assert.ok(r.data[0].embedding.length > 0 && r.data[0].embedding.every(Number.isFinite));
        const b = await client.embeddings.create({ model: EMBEDDING[p], input: 'first', encoding_format: 'base64' });
        assert.equal(typeof b.data[0].embedding, 'string');
        assert.ok(r.usage.prompt_tokens > 0, `usage ${JSON.stringify(r.usage)}`);
      });
    }
  });
}

test('models.list pages through the gateway models', async () => {
  const ids = [];
  for await (const m of client.models.list()) ids.push(m.id);
  for (const model of Object.values(CHAT)) {
    assert.ok(ids.some((id) => id === model || id === upstreamName(model)), `${model} not in ${ids}`);
  }
});
