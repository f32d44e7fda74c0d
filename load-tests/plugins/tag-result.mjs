// The benchmark's trivial plugin: marks a small result.
export default function tagResult({ result }) {
  return { result: { ...result, tagged: true } };
}
