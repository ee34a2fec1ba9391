// Vercel AI SDK (ai + @ai-sdk/openai) on the OpenAI-compatible endpoint, against every provider.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { generateText, streamText, generateObject, streamObject, embed, embedMany, tool, stepCountIs } from 'ai';
import { createOpenAI } from '@ai-sdk/openai';
import { z } from 'zod';
import { GATEWAY, KEY, CHAT, EMBEDDING, PROVIDERS, named, assertUsage, upstreamName, WEATHER_PROMPT, BOTH_PROMPT,
  PERSON_EXPECTED } from '../lib/env.mjs';

const openai = createOpenAI({ baseURL: `${GATEWAY}/v1`, apiKey: KEY });
const person = z.object({ name: z.string(), age: z.number().int(), height: z.number(), tags: z.array(z.string()),
  mood: z.enum(['happy', 'sad']), active: z.boolean() });
const weather = () => ({
  get_weather: tool({ description: 'Current weather in a city', inputSchema: z.object({ city: z.string() }),
    execute: async ({ city }) => `sunny in ${city}` }),
});

for (const p of PROVIDERS) {
  const model = openai.chat(CHAT[p]);
  describe(`ai-sdk openai: ${p}`, { concurrency: true }, () => {
    test(named(p, 'generateText with usage and model', 'model_name'), async () => {
      const r = await generateText({ model, prompt: 'Say hi' });
      assert.equal(r.text, 'echo: Say hi');
      assert.equal(r.finishReason, 'stop');
      assertUsage(r.usage.inputTokens, r.usage.outputTokens, r.usage.totalTokens);
      assert.equal(r.response.modelId, upstreamName(CHAT[p]));
    });

    test(named(p, 'streamText'), async () => {
      const r = streamText({ model, prompt: 'Say hi there' });
      let text = '';
      for await (const t of r.textStream) text += t;
      assert.equal(text, 'echo: Say hi there');
      const u = await r.usage;
      assertUsage(u.inputTokens, u.outputTokens, u.totalTokens);
      assert.equal(await r.finishReason, 'stop');
    });

    test(named(p, 'tool call, executed, then the final answer'), async () => {
      const r = await generateText({ model, prompt: WEATHER_PROMPT, tools: weather(), stopWhen: stepCountIs(3) });
      assert.equal(r.steps.length, 2);
      assert.deepEqual(r.steps[0].toolCalls.map((c) => [c.toolName, c.input]), [['get_weather', { city: 'city-1' }]]);
      assert.match(r.text, /^results: .*sunny in city-1/);
      assertUsage(r.totalUsage.inputTokens, r.totalUsage.outputTokens);
    });

    test(named(p, 'parallel tool calls'), async () => {
      const r = await generateText({ model, prompt: BOTH_PROMPT, tools: weather() });
      assert.deepEqual(r.toolCalls.map((c) => c.input), [{ city: 'city-1' }, { city: 'city-2' }]);
      assert.deepEqual(r.toolResults.map((c) => c.output), ['sunny in city-1', 'sunny in city-2']);
    });

    test(named(p, 'a tool call with parallel calls disabled', 'no_parallel_refused'), async () => {
      const r = await generateText({ model, prompt: WEATHER_PROMPT, tools: weather(),
        providerOptions: { openai: { parallelToolCalls: false } } });
      assert.deepEqual(r.toolCalls.map((c) => c.input), [{ city: 'city-1' }]);
    });

    test(named(p, 'streamed tool calls'), async () => {
      const r = streamText({ model, prompt: BOTH_PROMPT, tools: weather() });
      const calls = [];
      for await (const part of r.fullStream) {
        if (part.type === 'tool-call') calls.push(part.input);
        if (part.type === 'error') throw part.error;
      }
      assert.deepEqual(calls, [{ city: 'city-1' }, { city: 'city-2' }]);
      assert.equal(await r.finishReason, 'tool-calls');
    });

    test(named(p, 'generateObject', 'json_schema'), async () => {
      const r = await generateObject({ model, schema: person, prompt: 'Invent a person' });
      assert.deepEqual(r.object, PERSON_EXPECTED);
      assertUsage(r.usage.inputTokens, r.usage.outputTokens);
    });

    test(named(p, 'streamObject', 'json_schema'), async () => {
      const r = streamObject({ model, schema: person, prompt: 'Invent a person' });
      let last;
      for await (const partial of r.partialObjectStream) last = partial;
      assert.deepEqual(last, PERSON_EXPECTED);
      assert.deepEqual(await r.object, PERSON_EXPECTED);
    });

    if (EMBEDDING[p]) {
      test(named(p, 'embed and embedMany', 'embedding_usage'), async () => {
        const em = openai.embedding(EMBEDDING[p]);
        const one = await embed({ model: em, value: 'hello' });
        assert.ok(one.embedding.length > 0 && one.embedding.every(Number.isFinite));
        const many = await embedMany({ model: em, values: ['first', 'the second'] });
        assert.equal(many.embeddings.length, 2);
        assert.notDeepEqual(many.embeddings[0], many.embeddings[1].slice(0, many.embeddings[0].length).map(() => NaN));
        assert.ok(one.usage.tokens > 0, `embed usage ${one.usage.tokens}`);
        assert.ok(many.usage.tokens > 0, `embedMany usage ${many.usage.tokens}`);
      });
    }
  });
}
