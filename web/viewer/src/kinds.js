// Colours of the node kinds and relation kinds (the schema's enums), with
// their names as a reader says them. Relation kinds of one family share a
// hue: signing in reds, governance in purples, territory in greens,
// documents in pinks and browns, programmes in oranges, facilities in blues.

export const nodeKinds = {
  ORGANIZATION: ["organisation", "#1f77b4"],
  TERRITORY: ["territory", "#2ca02c"],
  FACILITY: ["facility", "#17becf"],
  FACILITY_TYPE: ["facility type", "#7fc8d3"],
  BODY: ["governance body", "#9467bd"],
  AGREEMENT: ["agreement", "#d62728"],
  AMENDMENT: ["amendment", "#f08080"],
  ARTICLE: ["article", "#e377c2"],
  PROGRAMME: ["programme", "#ff7f0e"],
  ORIENTATION: ["orientation", "#a5a61c"],
  THEME: ["theme", "#c9c95a"],
  OBJECTIVE: ["objective", "#b08d80"],
  EVENT: ["event", "#8c564b"],
  PERSON: ["person", "#7f7f7f"],
  SOURCE: ["source document", "#b0b0b0"],
};

export const relationKinds = {
  SIGNATORY: ["signatory of", "#c0262d"],
  SIGNED: ["signed", "#ef8a8c"],
  PARTY_TO: ["party to", "#e45756"],
  INITIATED: ["initiated", "#8e3b3c"],
  CHAIRS: ["chairs", "#5b3596"],
  MEMBER_OF: ["member of", "#9467bd"],
  HOLDS_OFFICE: ["holds office in", "#b8a2d4"],
  PART_OF: ["part of", "#2ca02c"],
  ADMINISTERS: ["administers", "#7bc96f"],
  LOCATED_IN: ["located in", "#637939"],
  SERVES: ["serves", "#a5c45a"],
  AMENDS: ["amends", "#d45fb5"],
  MODIFIES: ["modifies", "#f2a9d4"],
  RENEWS: ["renews", "#843c39"],
  ESTABLISHES: ["establishes", "#d6616b"],
  SUCCEEDS: ["succeeds", "#7b4173"],
  CONCERNS: ["concerns", "#c07fb8"],
  FUNDS: ["funds", "#ff7f0e"],
  DELIVERS: ["delivers", "#f5b041"],
  ACTOR_IN: ["actor in", "#bd9e39"],
  MANAGES: ["manages", "#17becf"],
  AFFILIATED_TO: ["affiliated to", "#3a7dc9"],
  INSTANCE_OF: ["instance of", "#8fc9dc"],
};

const unknown = ["other", "#444444"];

export const nodeKind = (k) => nodeKinds[k] ?? [k.toLowerCase(), unknown[1]];
export const relationKind = (k) => relationKinds[k] ?? [k.toLowerCase().replaceAll("_", " "), unknown[1]];

// label is the short name a node is drawn with.
export function label(n, max = 34) {
  const text = n.shortName || n.name;
  return text.length > max ? text.slice(0, max - 1) + "…" : text;
}
