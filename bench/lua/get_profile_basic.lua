-- GET the editing representation with `Authorization: Basic` on every request, as hotspot
-- firmware and PHP member sites send it, spread over a few members' credentials
-- (BENCH_BASIC: one header value per line).
basics = lines(os.getenv("BENCH_BASIC"))
request = function()
  return wrk.format("GET", "/en/profile?_resource=Coworker", { ["Authorization"] = basics[next_index(basics)] })
end
