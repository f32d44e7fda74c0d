for f in "$@"; do node -e "
const lines=require('fs').readFileSync('$f.gc','utf8').split('\n').filter(l=>l.includes('gc=s')||l.includes('gc=mc')||l.includes('gc=mmc'));
let alloc=0,prom=0,n=0,pause=0;
for(const l of lines){const m=k=>Number((l.match(new RegExp(' '+k+'=([0-9.]+)'))||[])[1]||0);alloc+=m('allocated');prom+=m('promoted');pause+=m('pause');n++;}
const c=Number(require('fs').readFileSync('$f.count','utf8'));
console.log('$f', 'gcs',n,'req',c,'alloc/req',(alloc/c).toFixed(0),'promoted/req',(prom/c).toFixed(0),'pause us/req',(pause*1000/c).toFixed(1));
"; done
