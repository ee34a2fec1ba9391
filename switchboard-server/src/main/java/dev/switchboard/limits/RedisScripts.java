package dev.switchboard.limits;

/**
 * The Lua run by {@link RedisLimiter}; each executes atomically on the server.
 * <p>Layout. A fixed window (tokens per day, budgets) is a string key holding its value. A sliding window (requests
 * and tokens per minute, {@link SlidingWindow}) is one hash per counter: a field per 5 s bucket (named by its number),
 * {@code lo}, the first bucket still counted, and {@code n}, the sum of every bucket from {@code lo} on. An admission
 * reads {@code lo} and {@code n} (O(1)); only when its window starts past {@code lo} (once per bucket, every 5 s) are
 * the fields read, the buckets that dropped taken off {@code n} and {@code lo} moved. Buckets are kept
 * {@link SlidingWindow#KEPT_BEHIND} past {@code lo}, so a replica whose clock is a little behind still counts them.
 */
final class RedisScripts {
    private RedisScripts() {
    }

    /** Numbers per key in {@link #ADMIT_MANY}'s packed argument: limit, ttl seconds (0 = keep), sliding (1) or fixed (0). */
    static final int NUMBERS_PER_KEY = 3;
    /** Numbers per check in {@link #ADMIT_MANY}'s packed argument: key number (1-based), increment, required. */
    static final int NUMBERS_PER_CHECK = 3;

    /**
     * Several admissions in one call, each atomic, in order. KEYS: the counters the call touches, each once (a key
     * asked for with two limits appears twice). ARGV[1]: 64-bit little-endian integers (unpacked in a few calls,
     * where one {@code tonumber} per argument cost more than the rest of the script): the count m of admissions; per
     * key its {@link #NUMBERS_PER_KEY}; each admission's number of checks; then per admission its sliding bucket and
     * its checks ({@link #NUMBERS_PER_CHECK} each). An admission refuses on the first counter without room for the
     * required part (at least 1), else charges each the increment or what is left, at least the required part.
     * <p>Returns one string of 64-bit little-endian integers, per admission: 0 then (value after the charge, granted)
     * per check; or the refusing check's number (1-based), when that sliding window has room (ms, -1 otherwise), and
     * the value per check as it stood. Counters are read once per call and written back once per call.
     */
    static final LuaScript ADMIT_MANY = new LuaScript("""
            local W, N, A, G = %d, %d, %d, %d
            local data, pos = ARGV[1], 1
            local unpack_ = struct.unpack
            local formats = {}
            -- the next k numbers of the packed argument
            local function take(k)
              local f = formats[k]
              if f == nil then
                f = '<' .. string.rep('i8', k)
                formats[k] = f
              end
              local t = {unpack_(f, data, pos)}
              pos = t[k + 1]
              return t
            end
            -- the same for many, in parts (a C function returns at most a few thousand values)
            local function takeMany(k)
              local t, i = {}, 0
              while i < k do
                local c = math.min(k - i, 960)
                local part = take(c)
                for j = 1, c do
                  t[i + j] = part[j]
                end
                i = i + c
              end
              return t
            end
            -- a sliding counter's fields, read once per call and only when needed (a bucket dropped, a refusal)
            local function loadAll(c)
              if c.full then
                return
              end
              c.full = true
              local all = redis.call('HGETALL', c.key)
              for i = 1, #all, 2 do
                local bj = tonumber(all[i])
                if bj ~= nil then
                  c.stored[bj] = tonumber(all[i + 1])
                end
              end
            end
            local function field(c, bj)
              return (c.stored[bj] or 0) + (c.added[bj] or 0)
            end
            -- a counter as this call knows it: what Redis held, and what the call added (written back by flush)
            local function counter(key, ttl, sliding)
              if sliding == 1 then
                local got = redis.call('HMGET', key, 'lo', 'n')
                return {key = key, ttl = ttl, stored = {}, added = {}, lo = tonumber(got[1]), n = tonumber(got[2] or '0')}
              end
              return {key = key, ttl = ttl, fixed = true, value = tonumber(redis.call('GET', key) or '0'), added = 0}
            end
            -- a counter begun afresh (or missing its totals): n summed from its fields, with what the previous layout
            -- (one key per bucket, before this one) still holds for the window carried over
            local function start(c, b, L)
              loadAll(c)
              if next(c.stored) == nil then
                local names = {}
                for bj = L, b + A do
                  names[#names + 1] = c.key .. ':' .. string.format('%%d', bj)
                end
                local got = redis.call('MGET', unpack(names))
                for j = 1, #names do
                  local v = tonumber(got[j] or '0')
                  if v ~= 0 then
                    c.added[L + j - 1] = (c.added[L + j - 1] or 0) + v
                  end
                end
              end
              local s = 0
              for bj, v in pairs(c.stored) do
                if bj >= L then s = s + v end
              end
              for bj, v in pairs(c.added) do
                if bj >= L then s = s + v end
              end
              c.n, c.lo, c.moved = s, L, true
            end
            -- the window of an admission in bucket b: every bucket from b - N + 1 on (the ones ahead included)
            local function window(c, b)
              local L = b - N + 1
              if c.lo == nil then
                start(c, b, L)
              elseif L > c.lo then
                loadAll(c)
                local s = c.n
                for bj = c.lo, L - 1 do
                  s = s - field(c, bj)
                end
                c.n, c.lo, c.moved = s, L, true
              end
              local s = c.n
              if L < c.lo then -- a clock behind the one that moved lo: the kept buckets before lo count too
                loadAll(c)
                for bj = L, c.lo - 1 do
                  s = s + field(c, bj)
                end
              end
              c.wb = L == c.lo and b or nil -- n alone is this bucket's window until lo moves
              return s
            end
            local function current(c, b)
              if c.fixed then
                return c.value + c.added
              elseif c.wb == b then
                return c.n
              end
              return window(c, b)
            end
            local m = take(1)[1]
            local keyinfo = takeMany(3 * #KEYS)
            local cs, byName = {}, {}
            for ki = 1, #KEYS do
              local key = KEYS[ki]
              local c = byName[key] or counter(key, keyinfo[3 * ki - 1], keyinfo[3 * ki])
              cs[ki], byName[key] = c, c
            end
            local counts = takeMany(m)
            local out, o = {}, 0
            local held, values = {}, {}
            for j = 1, m do
              local n = counts[j]
              local b
              b, pos = unpack_('<i8', data, pos)
              local ch = take(3 * n)
              local refused, frees = 0, -1
              for i = 1, n do
                local ki = ch[3 * i - 2]
                local c = cs[ki]
                local limit = keyinfo[3 * ki - 2]
                local cur = current(c, b)
                held[i], values[i] = c, cur
                local need = ch[3 * i]
                if need < 1 then need = 1 end
                if refused == 0 and cur + need > limit then
                  refused = i
                  if not c.fixed and need <= limit then
                    loadAll(c)
                    local left = cur
                    for bj = b - N + 1, b + A do
                      left = left - field(c, bj)
                      if left + need <= limit then
                        frees = (bj + N) * W
                        break
                      end
                    end
                  end
                end
              end
              o = o + 1
              out[o] = refused
              if refused == 0 then
                for i = 1, n do
                  local ki, inc, req = ch[3 * i - 2], ch[3 * i - 1], ch[3 * i]
                  local c = held[i]
                  local g = keyinfo[3 * ki - 2] - values[i]
                  if inc < g then g = inc end
                  if req > g then g = req end
                  if c.fixed then
                    c.added = c.added + g
                  else
                    c.added[b] = (c.added[b] or 0) + g
                    if b >= c.lo then c.n = c.n + g end
                  end
                  out[o + 1], out[o + 2] = current(c, b), g
                  o = o + 2
                end
              else
                o = o + 1
                out[o] = frees
                for i = 1, n do
                  o = o + 1
                  out[o] = values[i]
                end
              end
            end
            -- written back once per counter: the charged buckets and the total; when lo moved, it, the buckets
            -- past keeping, and the time to live (refreshed once per bucket the counter is used in)
            local done = {}
            for _, c in pairs(cs) do
              if not done[c] then
                done[c] = true
                if c.fixed then
                  if c.added ~= 0 then
                    redis.call('INCRBY', c.key, c.added)
                    if c.ttl > 0 then redis.call('EXPIRE', c.key, c.ttl) end
                  end
                else
                  local changed = c.moved
                  for bj, d in pairs(c.added) do
                    redis.call('HINCRBY', c.key, bj, d)
                    changed = true
                  end
                  if c.moved then
                    redis.call('HSET', c.key, 'lo', c.lo, 'n', c.n)
                    for bj, _ in pairs(c.stored) do
                      if bj < c.lo - G then redis.call('HDEL', c.key, bj) end
                    end
                    redis.call('EXPIRE', c.key, c.ttl)
                  elseif changed then
                    redis.call('HSET', c.key, 'n', c.n)
                  end
                end
              end
            end
            -- one bulk reply of packed numbers, in parts as they were read: one value for the client to read, not one
            -- reply per number
            local parts, i = {}, 0
            while i < o do
              local c = math.min(o - i, 960)
              local f = formats[c]
              if f == nil then
                f = '<' .. string.rep('i8', c)
                formats[c] = f
              end
              parts[#parts + 1] = struct.pack(f, unpack(out, i + 1, i + c))
              i = i + c
            end
            return table.concat(parts)
            """.formatted(SlidingWindow.BUCKET_MILLIS, SlidingWindow.BUCKETS, SlidingWindow.AHEAD,
            SlidingWindow.KEPT_BEHIND));

    /**
     * Adds {@code delta} to bucket {@code b} of sliding counter {@code key} when the counter exists and still keeps
     * that bucket (the total too when the bucket is still counted); returns whether it did.
     */
    private static final String ADD_TO_BUCKET = """
            local G = %d
            local function addToBucket(key, b, delta)
              local lo = tonumber(redis.call('HGET', key, 'lo'))
              if lo == nil or b < lo - G then
                return 0
              end
              redis.call('HINCRBY', key, b, delta)
              if b >= lo then
                redis.call('HINCRBY', key, 'n', delta)
              end
              return 1
            end
            """.formatted(SlidingWindow.KEPT_BEHIND);

    /**
     * KEYS: counters. ARGV: per key its bucket (-1: a fixed window) and delta. Adjusts only counters (and buckets)
     * that still exist: expired windows and dropped buckets stay gone.
     */
    static final LuaScript ADJUST = new LuaScript(ADD_TO_BUCKET + """
            local done = 0
            for i = 1, #KEYS do
              local b = tonumber(ARGV[2 * i - 1])
              if b >= 0 then
                done = done + addToBucket(KEYS[i], b, ARGV[2 * i])
              elseif redis.call('EXISTS', KEYS[i]) == 1 then
                redis.call('INCRBY', KEYS[i], ARGV[2 * i])
                done = done + 1
              end
            end
            return done
            """);

    /**
     * KEYS: sliding counters; ARGV: per key its bucket and what to add, then the time to live and the first bucket of
     * the current window. Unlike a reconcile, a counter Redis does not have is created (its buckets began during an
     * outage, or Redis restarted empty), expiring with its window.
     */
    static final LuaScript ADD_TO_WINDOWS = new LuaScript(ADD_TO_BUCKET + """
            local ttl = tonumber(ARGV[2 * #KEYS + 1])
            local first = tonumber(ARGV[2 * #KEYS + 2])
            for i = 1, #KEYS do
              if redis.call('HEXISTS', KEYS[i], 'lo') == 0 then
                redis.call('HSET', KEYS[i], 'lo', first, 'n', 0)
                redis.call('EXPIRE', KEYS[i], ttl)
              end
              addToBucket(KEYS[i], tonumber(ARGV[2 * i - 1]), ARGV[2 * i])
            end
            return #KEYS
            """);
}
