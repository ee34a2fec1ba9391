// LangChain JS (ChatOpenAI, OpenAIEmbeddings) on the OpenAI-compatible endpoint, against every provider.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ChatOpenAI, OpenAIEmbeddings } from '@langchain/openai';
import { HumanMessage, ToolMessage } from '@langchain/core/messages';
import { tool } from '@langchain/core/tools';
import { z } from 'zod';
import { GATEWAY, KEY, CHAT, EMBEDDING, PROVIDERS, named, assertUsage, WEATHER_PROMPT, BOTH_PROMPT,
  PERSON_EXPECTED } from '../lib/env.mjs';

const configuration = { baseURL: `${GATEWAY}/v1` };
const person = z.object({ name: z.string(), age: z.number().int(), height: z.number(), tags: z.array(z.string()),
  mood: z.enum(['happy', 'sad']), active: z.boolean() });
const getWeather = tool(async ({ city }) => `sunny in ${city}`,
  { name: 'get_weather', description: 'Current weather in a city', schema: z.object({ city: z.string() }) });

for (const p of PROVIDERS) {
  const chat = (extra = {}) => new ChatOpenAI({ model: CHAT[p], apiKey: KEY, configuration, maxRetries: 0, ...extra });
  describe(`langchain openai: ${p}`, { concurrency: true }, () => {
    test(named(p, 'invoke with usage_metadata'), async () => {
      const r = await chat().invoke('Say hi');
      assert.equal(r.content, 'echo: Say hi');
      const u = r.usage_metadata;
      assertUsage(u.input_tokens, u.output_tokens, u.total_tokens);
    });

    test(named(p, 'stream with usage_metadata'), async () => {
      let text = '';
      let usage;
      for await (const chunk of await chat().stream('Say hi there')) {
        text += chunk.content;
        if (chunk.usage_metadata) usage = chunk.usage_metadata;
      }
      assert.equal(text, 'echo: Say hi there');
      assertUsage(usage.input_tokens, usage.output_tokens, usage.total_tokens);
    });

    test(named(p, 'bindTools: parallel calls, then the answer to the results'), async () => {
      const model = chat().bindTools([getWeather]);
      const messages = [new HumanMessage(BOTH_PROMPT)];
      const ai = await model.invoke(messages);
      assert.deepEqual(ai.tool_calls.map((c) => [c.name, c.args]), [['get_weather', { city: 'city-1' }], ['get_weather', { city: 'city-2' }]]);
      messages.push(ai);
      for (const c of ai.tool_calls) messages.push(await getWeather.invoke(c));
      assert.ok(messages.at(-1) instanceof ToolMessage);
      const final = await model.invoke(messages);
      assert.match(final.content, /^results: .*sunny in city-1.*sunny in city-2/);
    });

    test(named(p, 'bindTools streamed: tool call chunks'), async () => {
      let gathered;
      for await (const chunk of await chat().bindTools([getWeather]).stream(WEATHER_PROMPT)) {
        gathered = gathered === undefined ? chunk : gathered.concat(chunk);
      }
      assert.deepEqual(gathered.tool_calls.map((c) => [c.name, c.args]), [['get_weather', { city: 'city-1' }]]);
    });

    test(named(p, 'bindTools with parallel_tool_calls false', 'no_parallel_refused'), async () => {
      const ai = await chat().bindTools([getWeather], { parallel_tool_calls: false }).invoke(WEATHER_PROMPT);
      assert.equal(ai.tool_calls.length, 1);
    });

    test(named(p, 'withStructuredOutput (json schema)', 'json_schema'), async () => {
      const r = await chat().withStructuredOutput(person, { name: 'person', method: 'jsonSchema' }).invoke('Invent a person');
      assert.deepEqual(r, PERSON_EXPECTED);
    });

    test(named(p, 'withStructuredOutput (function calling)'), async () => {
      const r = await chat().withStructuredOutput(person, { name: 'person', method: 'functionCalling' }).invoke('Invent a person');
      assert.deepEqual(r, PERSON_EXPECTED);
    });

    if (EMBEDDING[p]) {
      test(named(p, 'OpenAIEmbeddings embedQuery and embedDocuments'), async () => {
        const e = new OpenAIEmbeddings({ model: EMBEDDING[p], apiKey: KEY, configuration, maxRetries: 0 });
        const q = await e.embedQuery('hello');
        assert.ok(q.length > 0 && q.every(Number.isFinite));
        const docs = await e.embedDocuments(['first', 'the second', 'third']);
        assert.equal(docs.length, 3);
      });
    }
  });
}
