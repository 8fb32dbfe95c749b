-- Nine reads for every write, spread over the members.
request = function()
  local i = next_index(tokens)
  if counter % 10 == 0 then
    return patch_profile(tokens[i], counter)
  end
  return get_profile(tokens[i])
end
