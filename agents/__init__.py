"""agents: the states — what each sees, how it aligns in peace and takes sides in war.

Depends on numpy and Mesa only (never on `model` at run time). Modules, bottom-up:
- `alliances`: alliances as objects, every state's membership, the alliance event log;
- `situation`: what deciding states see (blocs, bloc power, the threat each bloc poses to each, net of
  their own side, with the predominance term, the collective pact and partnership ties);
- `strategy`: what a strategy is (`Decision`, `WarView`, `Strategy`: peace rule, consent rule, war rule,
  ties) and the registry of strategies;
- `rules/`: the strategies, one file each (peacetime rule and wartime side-taking);
- `sides`: who fights in a crisis, from alliances and each third party's strategy;
- `state`: the `State` Mesa agent, whose attributes are views of the model's arrays.
"""
