// placeholder until the verifier lands
export async function verifyPack() { return { ok: false, problems: ["not built"] }; }
export async function verifyEntry() { return { ok: false, problems: ["not built"] }; }
