-- wrk client of bench/load.py: cold keystroke streams, one visitor (cookie) per stream.
--
--   wrk -t 32 -c 32 -d 10s -s bench/load.lua http://127.0.0.1:PORT -- PLAN STATE OUT
--
-- PLAN (a folder written by load.py) holds <thread>.txt for each thread: its share of
-- the streams, "#" starting each stream, every other line a request path. Each thread
-- (one connection) sends its streams' prefixes in order and keeps the cookie the server
-- sets per stream.
-- STATE holds each thread's position and cookie, so the next slice goes on where this one
-- stopped, mid-stream as the same visitor (every prefix is sent once: cold caches). OUT receives requests, errors and the raw
-- latency histogram (microseconds and counts) for load.py to merge across slices.

local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("id", #threads)
end

local function read_state(path)
  local positions = {}
  local file = io.open(path, "r")
  if file then
    for line in file:lines() do
      local id, stream, prefix, cookie = line:match("^(%d+) (%d+) (%d+) ?(%S*)$")
      if id then positions[tonumber(id)] = { tonumber(stream), tonumber(prefix), cookie } end
    end
    file:close()
  end
  return positions
end

function init(args)
  plan_path, state_path, out_path = args[1], args[2], args[3]
  streams = {}
  for line in io.lines(plan_path .. "/" .. id .. ".txt") do
    if line == "#" then
      table.insert(streams, {})
    else
      table.insert(streams[#streams], line)
    end
  end
  local start = read_state(state_path)[id] or { 1, 1, "" }
  stream, prefix = start[1], start[2]
  cookie = start[3] ~= "" and start[3] or nil
  exhausted, next_cookie_reset = 0, false
end

function request()
  if stream > #streams then
    -- This thread's share is used up: stop rather than replay warm prefixes (the request
    -- returned meanwhile is never counted: the thread's loop ends first).
    exhausted = 1
    wrk.thread:stop()
    return wrk.format("GET", "/api/search?q=")
  end
  local path = streams[stream][prefix]
  local headers = {}
  if cookie then headers["Cookie"] = cookie end
  prefix = prefix + 1
  if prefix > #streams[stream] then
    stream, prefix, next_cookie_reset = stream + 1, 1, true
  end
  return wrk.format("GET", path, headers)
end

function response(status, headers, body)
  local set_cookie = headers["Set-Cookie"] or headers["set-cookie"]
  if set_cookie then cookie = set_cookie:match("^([^;]+)") end
  if next_cookie_reset then
    cookie, next_cookie_reset = nil, false  -- the next stream is a new visitor
  end
end

function done(summary, latency, requests)
  local state = io.open(threads[1]:get("state_path"), "w")
  local stopped = 0
  for _, thread in ipairs(threads) do
    local at = { thread:get("id"), thread:get("stream"), thread:get("prefix") }
    -- A stream that just ended hands no cookie on to the next one.
    local cookie = (not thread:get("next_cookie_reset") and thread:get("cookie")) or ""
    state:write(string.format("%d %d %d %s\n", at[1], at[2], at[3], cookie))
    stopped = stopped + thread:get("exhausted")
  end
  state:close()
  local out = io.open(threads[1]:get("out_path"), "w")
  local errors = summary.errors
  out:write(string.format("requests %d\nduration_us %d\n", summary.requests, summary.duration))
  out:write(string.format("errors %d %d %d %d %d\n", errors.connect, errors.read, errors.write, errors.status, errors.timeout))
  out:write(string.format("exhausted %d\n", stopped))
  for i = 1, #latency do
    local value, count = latency(i)
    out:write(string.format("%d %d\n", value, count))
  end
  out:close()
end
