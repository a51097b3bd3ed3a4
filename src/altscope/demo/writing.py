"""How each source carries a mention: the text, HTML or wikitext of a post about outputs.

A :class:`PostWriter` composes posts the way their sources deliver them (a tweet with a
``doi.org`` link, a Mastodon status in HTML, a news story on an outlet's host, a Wikipedia edit
with ``{{cite journal}}``, a policy document's reference list, a patent's non-patent citations,
a syllabus ...), linking each output by one of its identifiers the way people do.
"""

from __future__ import annotations

import random
from datetime import datetime

from altscope.demo import vocab
from altscope.demo.records import DemoActor, DemoOutput, DemoPost

__all__ = ["PostWriter", "capitalise"]


def capitalise(text: str) -> str:
    """``text`` with its first letter in upper case (the rest untouched)."""
    return text[:1].upper() + text[1:]


class PostWriter:
    """Turns (source, actor, outputs, time) into the post text each source would carry."""

    def __init__(self, rng: random.Random, outputs: dict[str, DemoOutput]) -> None:
        self.rng = rng
        self.outputs = outputs
        self.counter = 0

    def next_id(self) -> int:
        self.counter += 1
        return self.counter

    def link(self, output: DemoOutput) -> str:
        """A link (or, for books, an ISBN in words) naming ``output``."""
        rng = self.rng
        options = []
        if doi := output.identifier("doi"):
            options += [f"https://doi.org/{doi}"] * 3 + [f"doi:{doi}"]
        if arxiv := output.identifier("arxiv"):
            version = f"v{rng.randint(1, 3)}" if rng.random() < 0.3 else ""
            options += [f"https://arxiv.org/abs/{arxiv}{version}"] * 3
        if pmid := output.identifier("pmid"):
            options.append(f"https://pubmed.ncbi.nlm.nih.gov/{pmid}/")
        if pmcid := output.identifier("pmcid"):
            options.append(f"https://pmc.ncbi.nlm.nih.gov/articles/{pmcid}/")
        if handle := output.identifier("handle"):
            options += [f"https://hdl.handle.net/{handle}"] * 2
        if isbn := output.identifier("isbn"):
            options = [f"ISBN {isbn[:3]}-{isbn[3]}-{isbn[4:9]}-{isbn[9:12]}-{isbn[12]}"] * 3 + [
                o for o in options if "doi.org" in o
            ]
        return rng.choice(options)

    def social(self, source: str, actor: DemoActor, output: DemoOutput, at: datetime) -> DemoPost:
        rng = self.rng
        thing = output.title.split(":")[0].lower()
        opener = rng.choice(
            vocab.SOCIAL_OPENERS.get(actor.kind, vocab.SOCIAL_OPENERS["public"])
        ).format(thing=thing[:60])
        link = self.link(output)
        tags = " ".join(rng.sample(vocab.HASHTAGS[output.field], 1)) if rng.random() < 0.4 else ""
        quote = f"“{output.title}”" if rng.random() < 0.35 else ""
        text = " ".join(part for part in (opener, quote, link, tags) if part)
        n = self.next_id()
        kind, content, url, title = "text", text, None, None
        if source == "twitter":
            native = str(1_790_000_000_000_000_000 + n * 7919)
            url = f"https://x.com/{actor.handle}/status/{native}"
        elif source == "bluesky":
            native = f"at://did:plc:demo{actor.native_id[-5:]}/app.bsky.feed.post/3l{n:07d}"
            url = f"https://bsky.app/profile/{actor.handle}/post/3l{n:07d}"
        elif source == "mastodon":
            user, host = actor.handle.split("@")
            native = f"https://{host}/users/{user}/statuses/{11_300_000_000_000_000 + n}"
            url = f"https://{host}/@{user}/{11_300_000_000_000_000 + n}"
            shown = (
                link
                if not link.startswith("http")
                else (f'<a href="{link}" rel="nofollow noopener" target="_blank">{link}</a>')
            )
            kind = "html"
            content = f"<p>{opener} {quote} {shown} {tags}</p>".replace("  ", " ")
        elif source == "facebook":
            native = f"fb:{100_000_000 + n}"
            url = f"https://www.facebook.com/{actor.handle}/posts/{100_000_000 + n}"
        else:  # reddit
            sub = rng.choice(vocab.SUBREDDITS[output.field])
            slug = "_".join(output.title.lower().split()[:6]).replace(":", "")
            native = f"t3_{n:07x}"
            url = f"https://www.reddit.com/r/{sub}/comments/{n:07x}/{slug}/"
            title = output.title if rng.random() < 0.6 else f"{opener} {thing}"
            content = f"{title}\n\n{link}"
        return DemoPost(
            source, native, actor.native_id, at, kind, content, (output.key,), url, title
        )

    def document(
        self, source: str, actor: DemoActor, cited: list[DemoOutput], at: datetime
    ) -> DemoPost:
        write = getattr(self, f"_{source}")
        kind, content, url, title, native = write(actor, cited, cited[0], self.next_id())
        return DemoPost(
            source,
            native,
            actor.native_id,
            at,
            kind,
            content,
            tuple(o.key for o in cited),
            url,
            title,
        )

    # Each returns (kind, content, url, title, native id).

    def _news(self, actor, cited, first, n):
        rng = self.rng
        host = actor.url.split("/")[2]
        section = rng.choice(vocab.NEWS_SECTIONS)
        headline = capitalise(f"{first.title.split(':')[0]}, study finds")
        slug = "-".join(headline.lower().replace(",", "").split()[:8])
        url = f"https://{host}/{section}/{first.published:%Y/%m/%d}/{slug}-{n}"
        surname = first.authors[0].family if first.authors else "the authors"
        journal = first.container_title or first.publisher or "a preprint"
        if rng.random() < 0.1 and first.container_title and first.authors and not first.real:
            # No link: named by its title, corroborated by the first author and the journal.
            source_line = (
                f"<p>The paper, “{first.title}”, by {surname} and colleagues, "
                f"appears in {first.container_title}.</p>"
            )
        else:
            link = self.link(first)
            href = link if link.startswith("http") else f"https://doi.org/{link[4:]}"
            if link.startswith("ISBN"):
                source_line = f"<p>The book ({link}) is out now.</p>"
            else:
                source_line = (
                    f"<p>The study, led by {surname}, is published in {journal} "
                    f'(<a href="{href}">read the paper</a>).</p>'
                )
        content = (
            f"<html><head><title>{headline} | {actor.name}</title></head><body><article>"
            f"<h1>{headline}</h1><p>Researchers report new findings on "
            f"{first.title.split(':')[0].lower()}.</p>{source_line}"
            f"<p>Independent experts called the results "
            f"{rng.choice(('important', 'intriguing', 'preliminary', 'striking'))}.</p>"
            f"</article></body></html>"
        )
        return "html", content, url, headline, url

    def _blog(self, actor, cited, first, n):
        rng = self.rng
        host = rng.choice(vocab.BLOG_HOSTS)
        name = actor.handle.replace(".", "").replace("_", "")
        slug = "-".join(first.title.lower().replace(":", "").split()[:6])
        url = f"https://{name}.{host}/p/{slug}-{n}"
        title = f"Reading notes: {first.title.split(':')[0]}"
        items = "".join(f'<li><a href="{self._href(o)}">{o.title}</a></li>' for o in cited)
        content = (
            f"<html><head><title>{title}</title></head><body><h1>{title}</h1>"
            f"<p>{actor.profile or ''} This week I read:</p><ul>{items}</ul>"
            f"</body></html>"
        )
        return "html", content, url, title, url

    def _href(self, output: DemoOutput) -> str:
        link = self.link(output)
        if link.startswith("http"):
            return link
        if link.startswith("doi:"):
            return f"https://doi.org/{link[4:]}"
        return f"https://openlibrary.org/isbn/{link[5:].replace('-', '')}"

    def _youtube(self, actor, cited, first, n):
        video = "".join(
            self.rng.choice("abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ0123456789_-")
            for _ in range(11)
        )
        url = f"https://www.youtube.com/watch?v={video}"
        title = f"{first.title.split(':')[0]} — explained"
        content = (
            f"{title}\n\nIn this video we go through the new paper.\n\n"
            f"Paper: {self.link(first)}\n#science"
        )
        return "text", content, url, title, f"yt:{video}"

    def _qna(self, actor, cited, first, n):
        site = vocab.STACKEXCHANGE_SITES[first.field]
        url = f"https://{site}/a/{400_000 + n}"
        refs = " and ".join(f'<a href="{self._href(o)}">this paper</a>' for o in cited)
        content = (
            f"<p>Short answer: it depends on the setting. See {refs} for a careful "
            f"analysis; the effect size is discussed in the second section.</p>"
        )
        return "html", content, url, None, f"{site}:a{400_000 + n}"

    def _wikipedia(self, actor, cited, first, n):
        rng = self.rng
        article = capitalise(first.title.split(":")[0].split(" in ")[0])[:60].replace(" ", "_")
        revision = 1_250_000_000 + n
        refs = []
        for output in cited:
            author = output.authors[0] if output.authors else None
            who = f"|last1={author.family} |first1={author.given or ''} " if author else ""
            if isbn := output.identifier("isbn"):
                refs.append(
                    f"<ref>{{{{cite book {who}|title={output.title} "
                    f"|publisher={output.publisher} |year={output.published.year} "
                    f"|isbn={isbn}}}}}</ref>"
                )
            elif doi := output.identifier("doi"):
                pmid = output.identifier("pmid")
                refs.append(
                    f"<ref>{{{{cite journal {who}|title={output.title} "
                    f"|journal={output.container_title or ''} "
                    f"|date={output.published.isoformat()} |doi={doi}"
                    + (f" |pmid={pmid}" if pmid and rng.random() < 0.5 else "")
                    + "}}</ref>"
                )
            elif arxiv := output.identifier("arxiv"):
                refs.append(
                    f"<ref>{{{{cite journal {who}|title={output.title} "
                    f"|url=https://arxiv.org/abs/{arxiv} "
                    f"|date={output.published.isoformat()}}}}}</ref>"
                )
            else:
                refs.append(
                    f"<ref>{{{{cite report {who}|title={output.title} "
                    f"|url=https://hdl.handle.net/{output.identifier('handle')}}}}}</ref>"
                )
        content = (
            f"== Research ==\nRecent work on {first.title.split(':')[0].lower()} "
            f"has been reported.{''.join(refs)}\n"
        )
        url = f"https://en.wikipedia.org/w/index.php?title={article}&diff={revision}"
        return "text", content, url, article.replace("_", " "), f"enwiki:{revision}"

    def _policy(self, actor, cited, first, n):
        rng = self.rng
        host = actor.url.split("/")[2]
        kind = rng.choice(vocab.POLICY_KINDS)
        title = capitalise(f"{kind} on {first.title.split(':')[0].lower()}")
        url = f"https://{host}/publications/{kind.replace(' ', '-')}-{first.published.year}-{n}"
        refs = "".join(
            f"<li>{o.authors[0].family if o.authors else 'Anon'} et al. ({o.published.year}). "
            f"{o.title}. {o.container_title or o.publisher or ''}. "
            f'<a href="{self._href(o)}">{self._href(o)}</a></li>'
            for o in cited
        )
        content = (
            f"<html><head><title>{title}</title></head><body><h1>{title}</h1>"
            f"<p>{actor.name}. Recommendations for decision makers.</p>"
            f"<h2>References</h2><ol>{refs}</ol></body></html>"
        )
        return "html", content, url, title, url

    def _patent(self, actor, cited, first, n):
        rng = self.rng
        number = f"US{11_900_000 + n * 13}B{rng.choice((1, 2))}"
        title = capitalise(f"System and method for {first.title.split(':')[0].lower()}")
        npl = "\n".join(
            f"{o.authors[0].family if o.authors else 'Anon'} et al., “{o.title}”, "
            f"{o.container_title or o.publisher or 'preprint'}, {o.published.year}, "
            f"{self.link(o)}"
            for o in cited
        )
        content = f"{number} — {title}\nAssignee: {actor.name}\nNon-patent citations:\n{npl}\n"
        return "text", content, f"https://patents.google.com/patent/{number}/en", title, number

    def _peer_review(self, actor, cited, first, n):
        key = f"{(n * 2654435761) % 16**30:030X}"
        url = f"https://pubpeer.com/publications/{key}"
        content = (
            f"Comment on {self.link(first)}: the robustness checks in the supplement "
            f"are convincing, but Figure {self.rng.randint(1, 5)} needs error bars."
        )
        return "text", content, url, f"PubPeer: {first.title}", f"pubpeer:{key}:{n}"

    def _f1000(self, actor, cited, first, n):
        number = 740_000_000 + n
        url = f"https://facultyopinions.com/prime/{number}"
        verdict = self.rng.choice(("Very Good", "Exceptional", "Good"))
        content = (
            f"Recommended ({verdict}). {first.title}. {self.link(first)}\n"
            f"This study is important because it changes how we think about "
            f"{first.title.split(':')[0].lower()}."
        )
        return "text", content, url, f"Recommendation: {first.title}", f"f1000:{number}"

    def _syllabus(self, actor, cited, first, n):
        rng = self.rng
        university = rng.choice(vocab.UNIVERSITIES)
        course = f"{first.field.upper()} {rng.randint(100, 599)}"
        url = (
            f"https://courses.{university.lower().replace(' ', '')}.edu/"
            f"{course.replace(' ', '').lower()}/syllabus-{n}"
        )
        title = f"{course}: {first.subjects[0] if first.subjects else 'Readings'} — syllabus"
        readings = "".join(
            f"<li>Week {week}: {o.title}. "
            + (f"{self.link(o)}" if o.identifier("isbn") else f'<a href="{self._href(o)}">link</a>')
            + "</li>"
            for week, o in enumerate(cited, 1)
        )
        content = (
            f"<html><head><title>{title}</title></head><body><h1>{title}</h1>"
            f"<p>Instructor: {actor.name}, {university}.</p><h2>Readings</h2>"
            f"<ul>{readings}</ul></body></html>"
        )
        return "html", content, url, title, url
