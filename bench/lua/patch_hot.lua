-- Every connection PATCHes the same member.
request = function()
  counter = counter + 1
  return patch_profile(tokens[1], counter)
end
