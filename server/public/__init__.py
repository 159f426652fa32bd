"""What the public sees, decided in one place.

Every public address (/api/totals for the public and champions, /embed, /embed.js,
/totals.svg, /open-data/*, /how-we-count) renders from here: measures.py says which
numbers may be published at all and how each adds up; model.py writes every published
number as a sum of true cells; suppress.py and algebra.py hide small numbers and whatever
would give one away, checked with exact linear algebra; release.py makes the public
numbers once per generation of the totals; answers.py and ready.py serve them ready-made;
query.py reads each address's options once, so that one reading makes every decision.
"""
