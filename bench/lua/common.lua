-- Shared by every scenario (the harness prepends it to the scenario's script).
-- Inputs come from the environment: BENCH_TOKENS (one access token per line),
-- BENCH_EMAILS (one e-mail per line), BENCH_PASSWORD.

function lines(path)
  local list = {}
  if path == nil or path == "" then return list end
  for line in io.lines(path) do
    if line ~= "" then list[#list + 1] = line end
  end
  return list
end

tokens = lines(os.getenv("BENCH_TOKENS"))
emails = lines(os.getenv("BENCH_EMAILS"))
password = os.getenv("BENCH_PASSWORD") or ""
counter = 0

function next_index(list)
  counter = counter + 1
  return ((counter - 1) % #list) + 1
end

function bearer(token)
  return { ["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json" }
end

function profile_patch(n)
  -- Three to five personal properties with values that change on every request.
  local fields = {
    string.format('"NickName":"nick %d"', n),
    string.format('"CityName":"City %d"', n % 977),
    string.format('"PostCode":"PC%05d"', n % 99991),
  }
  if n % 3 ~= 0 then fields[#fields + 1] = string.format('"MobilePhone":"+44 20 %04d %04d"', n % 9973, n % 7919) end
  if n % 2 == 0 then fields[#fields + 1] = string.format('"State":"Region %d"', n % 53) end
  return "{" .. table.concat(fields, ",") .. "}"
end

function get_profile(token)
  return wrk.format("GET", "/en/profile?_resource=Coworker", bearer(token))
end

function patch_profile(token, n)
  return wrk.format("PATCH", "/api/public/coworker/profile", bearer(token), profile_patch(n))
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests":%d,"duration_us":%d,"bytes":%d,"connect_errors":%d,"read_errors":%d,' ..
    '"write_errors":%d,"status_errors":%d,"timeouts":%d,"p50_us":%d,"p95_us":%d,"p99_us":%d,"mean_us":%.1f}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.mean))
end
