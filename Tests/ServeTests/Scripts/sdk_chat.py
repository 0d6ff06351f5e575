"""The official openai SDK against `ponder serve`: models, chat (whole and streamed),
logprobs, seeds, stop strings and text completions. Usage: sdk_chat.py BASE_URL"""
import sys

from openai import OpenAI

client = OpenAI(base_url=sys.argv[1], api_key="unused", max_retries=0, timeout=120)

ids = [model.id for model in client.models.list().data]
assert ids[1:] == ["ponder", "ponder-agent"] and ids[0].endswith(".gguf"), ids

question = [{"role": "user", "content": "What is the capital of France?"}]
whole = client.chat.completions.create(model="ponder", messages=question, temperature=0, max_tokens=12)
choice = whole.choices[0]
assert whole.object == "chat.completion" and whole.model == "ponder", whole
assert choice.message.role == "assistant" and choice.message.content, choice
assert choice.finish_reason in ("stop", "length"), choice.finish_reason
assert whole.usage.prompt_tokens > 10 and 0 < whole.usage.completion_tokens <= 12, whole.usage
assert whole.usage.total_tokens == whole.usage.prompt_tokens + whole.usage.completion_tokens

# Streaming gives the same greedy text, piece by piece, and reports usage at the end.
pieces, finish, usage, roles = [], None, None, []
stream = client.chat.completions.create(
    model="ponder", messages=question, temperature=0, max_tokens=12, stream=True, stream_options={"include_usage": True})
for chunk in stream:
    if chunk.usage:
        usage = chunk.usage
    for streamed in chunk.choices:
        if streamed.delta.role:
            roles.append(streamed.delta.role)
        if streamed.delta.content:
            pieces.append(streamed.delta.content)
        if streamed.finish_reason:
            finish = streamed.finish_reason
assert roles == ["assistant"], roles
assert len(pieces) > 1, pieces
assert "".join(pieces) == choice.message.content, (pieces, choice.message.content)
assert finish == choice.finish_reason and usage.completion_tokens == whole.usage.completion_tokens, (finish, usage)

# Log-probabilities: one entry per token, with the asked number of alternatives, the
# chosen token among them when greedy.
scored = client.chat.completions.create(
    model="ponder", messages=question, temperature=0, max_tokens=5, logprobs=True, top_logprobs=3)
entries = scored.choices[0].logprobs.content
assert len(entries) == scored.usage.completion_tokens, (len(entries), scored.usage)
assert "".join(entry.token for entry in entries) == scored.choices[0].message.content
for entry in entries:
    assert entry.logprob <= 0 and len(entry.top_logprobs) == 3, entry
    assert entry.top_logprobs[0].token == entry.token and abs(entry.top_logprobs[0].logprob - entry.logprob) < 1e-6

# Sampling: the same seed repeats; top_p keeps it valid.
story = [{"role": "user", "content": "Tell me a story about a fox."}]
first = client.chat.completions.create(model="ponder", messages=story, temperature=1.0, top_p=0.9, seed=7, max_tokens=16)
second = client.chat.completions.create(model="ponder", messages=story, temperature=1.0, top_p=0.9, seed=7, max_tokens=16)
assert first.choices[0].message.content == second.choices[0].message.content

# A stop string ends the text before it.
counting = [{"role": "user", "content": "Count from 1 to 10, separated by commas."}]
full = client.chat.completions.create(model="ponder", messages=counting, temperature=0, max_tokens=40).choices[0].message.content
assert "5" in full, full
stopped = client.chat.completions.create(model="ponder", messages=counting, temperature=0, max_tokens=40, stop=["5"])
assert stopped.choices[0].message.content == full[: full.index("5")], (stopped.choices[0].message.content, full)
assert stopped.choices[0].finish_reason == "stop"

# A trailing assistant message is continued.
prefilled = client.chat.completions.create(
    model="ponder", temperature=0, max_tokens=6,
    messages=question + [{"role": "assistant", "content": "The capital of France is"}])
assert prefilled.choices[0].message.content.strip().startswith("Paris"), prefilled.choices[0].message.content

# Text completions, whole and streamed.
text = client.completions.create(model="ponder", prompt="The capital of France is", temperature=0, max_tokens=4, logprobs=2)
assert text.choices[0].text.startswith(" Paris"), text.choices[0].text
assert len(text.choices[0].logprobs.tokens) == text.usage.completion_tokens
assert all(len(alternatives) == 2 for alternatives in text.choices[0].logprobs.top_logprobs)
streamed_text = "".join(
    chunk.choices[0].text
    for chunk in client.completions.create(model="ponder", prompt="The capital of France is", temperature=0, max_tokens=4, stream=True)
    if chunk.choices)
assert streamed_text == text.choices[0].text, (streamed_text, text.choices[0].text)
print("ok")
