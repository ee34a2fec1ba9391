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
            local sliding, fixed = {}, {}
            -- a sliding counter's buckets as this call knows them (by bucket number: admissions of one call may fall
            -- in different buckets), read from Redis once each
            local function window(key, b)
              local known = sliding[key]
              if known == nil then
                known = {vals = {}, ttlSet = {}}
                sliding[key] = known
              end
              local missing, names = {}, {}
              for j = 1, N + A do
                local bj = b - N + j
                if known.vals[bj] == nil then
                  missing[#missing + 1] = bj
                  names[#names + 1] = key .. ':' .. string.format('%%d', bj)
                end
              end
              if #names > 0 then
                local got = redis.call('MGET', unpack(names))
                for j = 1, #names do
                  known.vals[missing[j]] = tonumber(got[j] or '0')
                end
              end
              local v, sum = {}, 0
              for j = 1, N + A do
                v[j] = known.vals[b - N + j]
                sum = sum + v[j]
              end
              return {v = v, sum = sum, name = key .. ':' .. string.format('%%d', b), known = known, b = b}
            end
            local function counter(key)
              local c = fixed[key]
              if c == nil then
                c = {sum = tonumber(redis.call('GET', key) or '0'), name = key}
                fixed[key] = c
              end
              return c
            end
            local function admit(ko, ao, n)
              local values, granted, counters = {}, {}, {}
              local refused, frees = 0, -1
              for i = 1, n do
                local a = ao + (i - 1) * 5
                local key = KEYS[ko + i]
                local req, limit, b = tonumber(ARGV[a + 2]), tonumber(ARGV[a + 3]), tonumber(ARGV[a + 5])
                local c
                if b >= 0 then
                  c = window(key, b)
                else
                  c = counter(key)
                end
                counters[i] = c
                local cur = c.sum
                values[i] = cur
                local need = math.max(req, 1)
                if refused == 0 and cur + need > limit then
                  refused = i
                  if b >= 0 and need <= limit then
                    local left = cur
                    for k = 1, N + A do
                      left = left - c.v[k]
                      if left + need <= limit then
                        frees = (b + k) * W
                        break
                      end
                    end
                  end
                end
              end
              if refused == 0 then
                for i = 1, n do
                  local a = ao + (i - 1) * 5
                  local inc, req, limit = tonumber(ARGV[a + 1]), tonumber(ARGV[a + 2]), tonumber(ARGV[a + 3])
                  local ttl = tonumber(ARGV[a + 4])
                  local c = counters[i]
                  local g = math.max(req, math.min(inc, limit - values[i]))
                  local now = redis.call('INCRBY', c.name, g)
                  if c.known then
                    if ttl > 0 and not c.known.ttlSet[c.b] then
                      redis.call('EXPIRE', c.name, ttl)
                      c.known.ttlSet[c.b] = true
                    end
                    c.known.vals[c.b] = now
                    values[i] = c.sum - c.v[N] + now
                  else
                    if ttl > 0 and not c.ttlSet then
                      redis.call('EXPIRE', c.name, ttl)
                      c.ttlSet = true
                    end
                    c.sum = now
                    values[i] = now
                  end
                  granted[i] = g
                end
              else
                for i = 1, n do
                  granted[i] = 0
                end
              end
              local out = {refused, frees}
              for i = 1, n do
                out[i + 2] = values[i]
                out[n + i + 2] = granted[i]
              end
              return out
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
