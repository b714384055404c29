"""Given-name variants: nicknames, short forms and spellings that name the same person.

The table is ours, written for English and German customer data. Each line names
a formal name and the forms people write instead; a form may belong to several
formal names (``al`` is Albert, Alfred, Alan and Alexander).
"""

from __future__ import annotations

from functools import lru_cache

# fmt: off
_TABLE = """
abigail: abby abbie gail
abraham: abe bram
adelheid: heidi adele
albert: al bert bertie albrecht
alexander: alex alec al sandy sasha xander alexandra lex sascha
alexandra: alex alexa sandra sandy lexi sasha
alfred: al alf alfie fred freddie
alan: al allan allen
andreas: andy andi anders
andrew: andy drew andi
angela: angie angelika
anne: ann anna annie nan nancy hanna hannah anja anke
anthony: tony anton toni
antonia: toni tonia
arthur: art artie
augustus: gus august gustav
barbara: barb barbie babs bärbel baerbel barbel
bartholomew: bart bartel
beatrice: bea trixie beatrix
benjamin: ben benny benji
bernard: bernie bernd bernhard
bridget: biddy bridie brigitte gitte
caroline: carol carrie lina carolin karoline carolina
catherine: cathy kathy kate katie kitty cat katharina katrin kathrin kathleen karin katja
catherine: kathryn katherine
charles: charlie chuck chas carl karl chaz
charlotte: lotte lottie charly
christina: chris chrissy tina christine kristina kirsten christiane
christopher: chris kit topher christoph
christian: chris christoph
clifford: cliff
cornelius: neil conny cornelia
cynthia: cindy
daniel: dan danny
david: dave davy
deborah: debbie deb debra
dennis: denny
dominic: dom dominik
donald: don donny
dorothy: dot dottie dora dorothea doris
douglas: doug
edward: ed eddie ted teddy ned eduard
eleanor: ellie nell nora elly leonore
elisabeth: liz lizzie beth betty bess bessie elsa else elsie eliza lisa liesel lise betsy
elisabeth: elizabeth libby lilly ilse sisi
emily: emmy em emilie
emma: emmy
ernest: ernie ernst
eugene: gene
frances: fran fanny francie franziska
francis: frank frankie franz
frederick: fred freddy fritz friedrich frederic rick
gabriel: gabe gabi
gabriele: gabi gaby gabriela
geoffrey: geoff jeff
george: georgie jorge georg
gerald: gerry jerry gerhard gerd
gertrude: gerti trudy trude
gottfried: gottfried fred friedel
gregory: greg
gwendolyn: gwen wendy
harold: hal harry
harriet: hattie
helen: nell ellen helena lena helene
henry: hank harry hal heinz heinrich hein hinrich henri
herbert: herb bert
hermann: herman
hubert: hugo bert
isabel: bella izzy isabelle isabella ilse
jacob: jake jakob jack kobi
james: jim jimmy jamie
jane: janie jenny jean janet
jennifer: jen jenny jenni
jeremy: jerry
jessica: jess jessie
johann: hans hannes jo
john: jack johnny jon hans johannes jonathan
johanna: jo hanna hanne jana
jonathan: jon john jonny
joseph: joe joey josef sepp jupp
josephine: jo josie fifi
judith: judy jutta
julia: julie jule
katharina: kathi katja kai
kenneth: ken kenny
lawrence: larry laurie lorenz laurence
leonard: leo len lenny leonhard
lewis: lou louis ludwig lutz
louise: lou lulu luise
magdalena: lena magda maggie leni
margaret: maggie meg peggy marge margie greta gretchen grete marga margarete margit rita daisy
maria: mary marie mia mimi mitzi maja maike mareike
martha: marty patty
martin: marty
matthew: matt matthias mathias mats
maximilian: max maxi
michael: mike mikey mick michi micha
michelle: shelly
mildred: millie
mortimer: mort
nathaniel: nat nate nathan
nicholas: nick nicky klaus niklas nico nikolaus
nicole: nikki nicky
oliver: ollie
patricia: pat patty tricia trish
patrick: pat paddy
peter: pete
philip: phil pip philipp
rebecca: becky becca
richard: rick ricky dick rich richie rico
robert: bob bobby rob robbie bert robin
roberta: bobbie robin
rodney: rod
ronald: ron ronnie
rosemary: rose rosie rosi
rudolf: rudi rolf rudolph dolf
samuel: sam sammy
sarah: sally sadie sara
sebastian: basti seb
stephen: steve stevie stefan steffen stephan steven
susan: sue susie suzy susanne susanna sanne
theodore: ted teddy theo
theresa: tess tessa terry resi therese
thomas: tom tommy thom
timothy: tim timmy
ulrich: uli ulli
valentine: val valentin
veronica: ronnie vera veronika
victoria: vicky tori viktoria
vincent: vince vinny
walter: walt wally
wilhelm: willi willy helm
wilhelmina: mina minna wilma
william: bill billy will willy liam wilhelm
wolfgang: wolf wolfi
zachary: zach zack
"""
# fmt: on


@lru_cache(maxsize=1)
def _aliases() -> dict[str, frozenset[str]]:
    found: dict[str, set[str]] = {}
    for line in _TABLE.strip().splitlines():
        formal, _, forms = line.partition(":")
        formal = formal.strip()
        for name in (formal, *forms.split()):
            found.setdefault(name, set()).add(formal)
    return {name: frozenset(formals) for name, formals in found.items()}


def formal_names(name: str) -> frozenset[str]:
    """The formal names a given name may stand for; the name itself when it is unknown.

    ``name`` is a lowercase ASCII given name (as :func:`mdm.keys.latin_key` gives it).

    >>> sorted(formal_names("bob"))
    ['robert']
    >>> sorted(formal_names("al"))
    ['alan', 'albert', 'alexander', 'alfred']
    >>> sorted(formal_names("zhiwei"))
    ['zhiwei']
    """
    return _aliases().get(name) or frozenset((name,))


def are_aliases(a: str, b: str) -> bool:
    """True when two different given names can be the same person's (Bob and Robert).

    >>> are_aliases("liz", "elizabeth"), are_aliases("bill", "wilhelm"), are_aliases("anna", "otto")
    (True, True, False)
    """
    return a != b and not formal_names(a).isdisjoint(formal_names(b))
