-- GET members' own avatars (private profiles: served to their member only), as a portal's
-- pages load them (BENCH_AVATARS: "token path" per line).
avatars = {}
for _, line in ipairs(lines(os.getenv("BENCH_AVATARS"))) do
  local token, path = line:match("^(%S+)%s+(%S+)$")
  avatars[#avatars + 1] = { token = token, path = path }
end
request = function()
  local avatar = avatars[next_index(avatars)]
  return wrk.format("GET", avatar.path, { ["Authorization"] = "Bearer " .. avatar.token })
end
