package dev.switchboard.limits;

/** The Lua run by {@link RedisLimiter}; each executes atomically on the server. */
final class RedisScripts {
    private RedisScripts() {
    }

    /** Arguments per check in {@link #ADMIT_FUNCTION}: increment, required, limit, ttl seconds, bucket. */
    static final int ARGS_PER_CHECK = 5;

    /**
     * Defines {@code admit(ko, ao, n)}: the {@code n} checks whose keys follow {@code KEYS[ko]} and whose arguments
     * follow {@code ARGV[ao]} ({@link #ARGS_PER_CHECK} each: increment, required, limit, ttl seconds (0 = keep),
     * bucket (-1: a fixed window at the key; else a sliding window summing the key's buckets {@code key:<b>} of the
     * last {@link SlidingWindow#BUCKETS} and the {@link SlidingWindow#AHEAD} after it)). Refuses on the first counter without room for the required part (at
     * least 1), else charges each the increment or what is left, at least the required part. Returns {refused index
     * (1-based, 0 = admitted), when the refusing sliding window has room (ms, -1 otherwise), value per check, granted
     * per check}.
     * <p>Counters read or written by an earlier admission of the same call are kept in the call's memory (a sliding
     * window's buckets by bucket number), so a batch of admissions on the same keys reads each bucket once and sets
     * each TTL once (the call is atomic: nothing else
     * changes them meanwhile).
     */
    static final String ADMIT_FUNCTION = """
            local W = %d
            local N = %d
            local A = %d
            -- every counter the call touches, as the call knows it; written back once each by flush()
            local counters = {}
            -- a sliding counter: its buckets by number (read once each), the window sums asked for so far (kept up to
            -- date as buckets are charged: one call may hold admissions of two buckets), and what it added per bucket
            local function sliding(key, b)
              local c = counters[key]
              if c == nil then
                c = {vals = {}, sums = {}, added = {}}
                counters[key] = c
              end
              local s = c.sums[b]
              if s == nil then
                local missing, names = {}, {}
                for j = 1, N + A do
                  local bj = b - N + j
                  if c.vals[bj] == nil then
                    missing[#missing + 1] = bj
                    names[#names + 1] = key .. ':' .. string.format('%%d', bj)
                  end
                end
                if #names > 0 then
                  local got = redis.call('MGET', unpack(names))
                  for j = 1, #names do
                    c.vals[missing[j]] = tonumber(got[j] or '0')
                  end
                end
                s = 0
                for j = 1, N + A do
                  s = s + c.vals[b - N + j]
                end
                c.sums[b] = s
              end
              return c, s
            end
            local function fixed(key)
              local c = counters[key]
              if c == nil then
                c = {value = tonumber(redis.call('GET', key) or '0'), added = 0}
                counters[key] = c
              end
              return c, c.value
            end
            local function charge(c, b, g, ttl)
              c.ttl = ttl
              if b < 0 then
                c.value = c.value + g
                c.added = c.added + g
                return c.value
              end
              c.vals[b] = c.vals[b] + g
              c.added[b] = (c.added[b] or 0) + g
              for wb, s in pairs(c.sums) do
                if b > wb - N and b <= wb + A then
                  c.sums[wb] = s + g
                end
              end
              return c.sums[b]
            end
            local function admit(ko, ao, n)
              local values, granted, held = {}, {}, {}
              local refused, frees = 0, -1
              for i = 1, n do
                local a = ao + (i - 1) * 5
                local key = KEYS[ko + i]
                local req, limit, b = tonumber(ARGV[a + 2]), tonumber(ARGV[a + 3]), tonumber(ARGV[a + 5])
                local c, cur
                if b >= 0 then
                  c, cur = sliding(key, b)
                else
                  c, cur = fixed(key)
                end
                held[i] = c
                values[i] = cur
                local need = math.max(req, 1)
                if refused == 0 and cur + need > limit then
                  refused = i
                  if b >= 0 and need <= limit then
                    local left = cur
                    for k = 1, N + A do
                      left = left - c.vals[b - N + k]
                      if left + need <= limit then
                        frees = (b + k) * W
                        break
                      end
                    end
                  end
                end
              end
              for i = 1, n do
                granted[i] = 0
              end
              if refused == 0 then
                for i = 1, n do
                  local a = ao + (i - 1) * 5
                  local inc, req, limit = tonumber(ARGV[a + 1]), tonumber(ARGV[a + 2]), tonumber(ARGV[a + 3])
                  local g = math.max(req, math.min(inc, limit - values[i]))
                  values[i] = charge(held[i], tonumber(ARGV[a + 5]), g, tonumber(ARGV[a + 4]))
                  granted[i] = g
                end
              end
              local out = {refused, frees}
              for i = 1, n do
                out[i + 2] = values[i]
                out[n + i + 2] = granted[i]
              end
              return out
            end
            -- one INCRBY and one EXPIRE per counter (per bucket) the call charged, however many admissions it held
            local function flush()
              for key, c in pairs(counters) do
                if c.vals then
                  for b, d in pairs(c.added) do
                    local name = key .. ':' .. string.format('%%d', b)
                    redis.call('INCRBY', name, d)
                    if c.ttl > 0 then
                      redis.call('EXPIRE', name, c.ttl)
                    end
                  end
                elseif c.ttl then
                  redis.call('INCRBY', key, c.added)
                  if c.ttl > 0 then
                    redis.call('EXPIRE', key, c.ttl)
                  end
                end
              end
            end
            """.formatted(SlidingWindow.BUCKET_MILLIS, SlidingWindow.BUCKETS, SlidingWindow.AHEAD);

    /**
     * Several admissions in one call, each atomic, in order. ARGV[1] = the count m of admissions, ARGV[2..m+1] = each
     * one's number of checks; then the checks' arguments, admission after admission, as KEYS are. Returns one
     * {@code admit} answer per admission.
     */
    static final LuaScript ADMIT_MANY = new LuaScript(ADMIT_FUNCTION + """
            local m = tonumber(ARGV[1])
            local ko, ao = 0, 1 + m
            local out = {}
            for j = 1, m do
              local n = tonumber(ARGV[1 + j])
              out[j] = admit(ko, ao, n)
              ko = ko + n
              ao = ao + n * 5
            end
            flush()
            return out
            """);

    /** KEYS: counters. ARGV: delta per key. Adjusts only counters that still exist (expired windows stay gone). */
    static final LuaScript ADJUST = new LuaScript("""
            local done = 0
            for i = 1, #KEYS do
              if redis.call('EXISTS', KEYS[i]) == 1 then
                redis.call('INCRBY', KEYS[i], ARGV[i])
                done = done + 1
              end
            end
            return done
            """);
}
