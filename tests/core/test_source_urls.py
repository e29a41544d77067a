"""Source links a clinician can follow and trust: the publisher, a DOI, PubMed or the guideline
body, an indexing record; never a library proxy, a staging site or a document-sharing copy."""

from __future__ import annotations

from urllib.parse import urlsplit

from desktop_app.core.knowledge import KnowledgeBase

# Hosts seen in earlier versions of sources.yaml: copies of papers re-posted without the
# publisher, a university library's proxy port, a staging server, machine-readable API entries.
UNTRUSTED_HOSTS = {
    "bibliotheek.ehb.be",
    "staging.scite.ai",
    "tomesphere.com",
    "pubmedcentralcanada.ca",
    "docslib.org",
    "studylib.net",
    "doczz.net",
    "vdocuments.site",
    "c.coek.info",
    "paperexplained.cn",
    "download.skyscape.com",
    "togows.dbcls.jp",
}


def test_every_source_link_is_a_public_address_of_a_trusted_kind(shipped: KnowledgeBase) -> None:
    links = {key: source.url for key, source in shipped.sources.items() if source.url}
    assert links  # the check looks at something
    for key, url in links.items():
        parts = urlsplit(url)
        assert parts.scheme in ("https", "http"), (key, url)
        assert parts.port is None, (key, url)  # a proxy or a local mirror, not a public address
        assert parts.hostname not in UNTRUSTED_HOSTS, (key, url)
